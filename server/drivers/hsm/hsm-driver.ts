import type { Secret } from '../core/secret.ts';

/**
 * The HSM device contract (ARCHITECTURE.md §3, §5). Keys are named by LABEL only
 * (`lw:kek:sed-fleet:v1`), never by handle or slot: handles die with sessions and slot ids change
 * when a token is initialised.
 *
 * Rules that hold for every method:
 * - It rejects only with `DriverError`. Messages and `detail` never contain key bytes or the PIN;
 *   PKCS#11 failures carry `detail.ckr` (the CKR_* number) and `detail.ckrName`.
 * - Before `open()` resolves and after `close()` is called, it rejects with `HSM_CLOSED`.
 * - Bad input (label syntax, count, blob length, byte counts) rejects with `HSM_INVALID_ARGUMENT`
 *   before anything reaches the HSM.
 * - Lost sessions, logouts and token removal (`CKR_SESSION_HANDLE_INVALID`, `CKR_SESSION_CLOSED`,
 *   `CKR_USER_NOT_LOGGED_IN`, `CKR_DEVICE_REMOVED`, `CKR_TOKEN_NOT_PRESENT`) are recovered inside
 *   the driver ONCE per call (re-initialise, log in, look the keys up again) and the call is
 *   retried. If that fails too, the error has `retryable: true`
 *   (`HSM_SESSION_INVALID`, `HSM_NOT_LOGGED_IN`, `HSM_DEVICE_REMOVED`, `HSM_DEVICE_ERROR`,
 *   `HSM_TIMEOUT`): the same call may succeed later, unchanged. Every other code is final.
 * - Calls are serialised: one runs at a time, the rest wait in FIFO order. The exception is
 *   `generateWrappedSecrets`: an implementation may run big batches in parallel with other calls
 *   (Pkcs11HsmDriver: on helper processes), so a caller never relies on a batch running before or
 *   after another call it did not await.
 * - `opts.timeoutMs` counts from the call (waiting included) and rejects with `HSM_TIMEOUT`;
 *   `opts.signal` rejects with `HSM_ABORTED`. A waiting call is dropped. A running batch stops
 *   before its next item and its partial results are discarded. A running single operation
 *   cannot be interrupted and may still take effect on the token (e.g. `createKek`): check with
 *   `hasKey` before repeating it.
 */
export interface HsmDriver {
  /** What this implementation does, fixed for its lifetime; services branch on it, not on vendors. */
  readonly capabilities: HsmCapabilities;

  /**
   * Loads the module, finds the token by label, opens the long-lived session and logs in.
   * Resolves when the driver is ready; calling it again while open is a no-op.
   * Rejects with `HSM_MODULE_LOAD_FAILED`, `HSM_MODULE_BUSY`, `HSM_TOKEN_NOT_FOUND`,
   * `HSM_TOKEN_AMBIGUOUS`, `HSM_PIN_INCORRECT`, `HSM_PIN_LOCKED`, `HSM_PIN_EXPIRED` or
   * `HSM_DEVICE_ERROR`; after a rejection nothing is left open (no session, no worker) and
   * `open()` may be called again.
   */
  open(opts?: HsmCallOptions): Promise<void>;

  /**
   * Rejects every queued and in-flight call with `HSM_CLOSED` at once, then logs out,
   * finalises the module and releases its resources. Never rejects; idempotent.
   */
  close(): Promise<void>;

  /**
   * Module, token, login state, memory, mechanisms of interest and the round-trip latency of a
   * trivial call. Rejects with the connection errors listed on `open()` (retryable ones after
   * the usual single recovery).
   */
  getStatus(opts?: HsmCallOptions): Promise<HsmStatus>;

  /**
   * Creates a key-encryption key: AES-256 token object, PRIVATE, SENSITIVE, EXTRACTABLE=false,
   * MODIFIABLE=false, WRAP/UNWRAP only (no ENCRYPT/DECRYPT/SIGN). Resolves when it exists.
   * Rejects with `HSM_KEY_EXISTS` if any object has the label, `HSM_MECHANISM_INVALID`,
   * `HSM_OPERATION_FAILED` (token full or write-protected).
   */
  createKek(label: string, opts?: HsmCallOptions): Promise<void>;

  /**
   * Resolves true when at least one object (secret, private or public key) has the label. A token
   * that no longer answers rejects with `HSM_DEVICE_REMOVED`: it never reads as "no such key".
   */
  hasKey(label: string, opts?: HsmCallOptions): Promise<boolean>;

  /**
   * Destroys every object with the label (both halves of a key pair). Irreversible: whatever is
   * wrapped under a destroyed KEK is lost. Dual control is the caller's job (invariant 3).
   * Rejects with `HSM_KEY_NOT_FOUND` when nothing has the label, `HSM_KEY_NOT_PERMITTED` when the
   * token refuses (CKA_DESTROYABLE=false).
   */
  destroyKey(label: string, opts?: HsmCallOptions): Promise<void>;

  /** Public attributes of every object with the label (never CKA_VALUE). `HSM_KEY_NOT_FOUND` if none. */
  describeKey(label: string, opts?: HsmCallOptions): Promise<HsmKeyAttributes[]>;

  /**
   * BATCH. Generates `count` secrets inside the HSM and returns each wrapped under the KEK with
   * AES key wrap (RFC 3394, always 40 bytes for 32-byte secrets) plus its key check value
   * (see `HsmCapabilities.kcv`). Plaintext never leaves the HSM. Order of results is irrelevant;
   * either all `count` are returned or the call rejects (no partial result).
   * Rejects with `HSM_KEY_NOT_FOUND` (no KEK with that label), `HSM_KEY_NOT_PERMITTED` (the label
   * is not a wrapping key), `HSM_INVALID_ARGUMENT` (count outside 1..maxBatchSize).
   */
  generateWrappedSecrets(req: GenerateWrappedSecretsRequest, opts?: HsmCallOptions): Promise<WrappedSecret[]>;

  /**
   * Unwraps one blob and returns its 32 plaintext bytes, for the ONE device call that needs
   * them. The caller owns the Secret and must `dispose()` it (zero it) right after that call.
   * Rejects with `HSM_WRAPPED_KEY_INVALID` (tampered, truncated, wrong KEK or wrong kind),
   * `HSM_KEY_NOT_FOUND`, `HSM_KEY_NOT_PERMITTED`.
   */
  unwrapSecret(req: UnwrapSecretRequest, opts?: HsmCallOptions): Promise<Secret>;

  /**
   * BATCH. Re-wraps blobs from one KEK to another entirely inside the HSM (unwrap to a
   * short-lived session object, wrap, destroy): plaintext never enters Node. Resolves with the
   * new blobs in input order; all or nothing. Rejects with `HSM_WRAPPED_KEY_INVALID` (detail
   * `index` names the bad blob), `HSM_KEY_NOT_FOUND`, `HSM_KEY_NOT_PERMITTED`,
   * `HSM_INVALID_ARGUMENT` (empty, more than maxBatchSize, same KEK twice).
   */
  rewrapSecrets(req: RewrapSecretsRequest, opts?: HsmCallOptions): Promise<Buffer[]>;

  /**
   * Creates a 32-byte GENERIC_SECRET token key, non-extractable, SIGN/VERIFY only, for
   * HMAC-SHA256 (the audit-chain seal). Rejects like `createKek`.
   */
  createHmacKey(label: string, opts?: HsmCallOptions): Promise<void>;

  /** HMAC-SHA256 with the labelled key: 32 bytes. `HSM_KEY_NOT_FOUND`, `HSM_KEY_NOT_PERMITTED`. */
  hmacSha256(label: string, data: Buffer, opts?: HsmCallOptions): Promise<Buffer>;

  /** BATCH. One independent HMAC per input, in input order; all or nothing. */
  hmacSha256Batch(label: string, data: Buffer[], opts?: HsmCallOptions): Promise<Buffer[]>;

  /**
   * Creates an EC P-256 key pair: private key token, PRIVATE, SENSITIVE, non-extractable, SIGN
   * only; public key token object with VERIFY. Both carry the label. Rejects like `createKek`.
   */
  createSigningKeyPair(label: string, opts?: HsmCallOptions): Promise<void>;

  /** The public key of a pair as DER SubjectPublicKeyInfo (usable by `crypto.createPublicKey`). */
  getPublicKeySpki(label: string, opts?: HsmCallOptions): Promise<Buffer>;

  /**
   * ECDSA P-256 over SHA-256(data). Resolves with the RAW 64-byte r‖s signature (IEEE P1363,
   * what PKCS#11 returns; JWS ES256 uses it as is; for X.509/CMS convert to DER, or verify with
   * node:crypto `dsaEncoding: 'ieee-p1363'`). The digest is computed outside the HSM because
   * CKM_ECDSA_SHA256 is not available everywhere (SoftHSM 2.6.1) and the data is not secret.
   */
  signEcdsaSha256(label: string, data: Buffer, opts?: HsmCallOptions): Promise<Buffer>;

  /** Optional: start bulk helpers now (the console at start-up), not at the first large batch. */
  prepareBulk?(): void;

  /** `n` random bytes from the HSM's RNG (1..4096). */
  random(n: number, opts?: HsmCallOptions): Promise<Buffer>;
}

/** Trailing options of every call (STYLE §3.2). */
export interface HsmCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** What a managed secret is: it decides the generation mechanism, the unwrap template and the KCV. */
export type HsmSecretKind = 'aes-256-key' | 'random-32';

export interface GenerateWrappedSecretsRequest {
  kekLabel: string;
  kind: HsmSecretKind;
  count: number;
}

export interface WrappedSecret {
  /** RFC 3394 AES key wrap of the 32-byte secret: 40 bytes. */
  wrapped: Buffer;
  /** Key check value: 6 upper-case hex characters (see `HsmCapabilities.kcv`). */
  kcv: string;
}

export interface UnwrapSecretRequest {
  kekLabel: string;
  wrapped: Buffer;
  kind: HsmSecretKind;
}

export interface RewrapSecretsRequest {
  fromKekLabel: string;
  toKekLabel: string;
  wrapped: Buffer[];
  kind: HsmSecretKind;
}

export interface HsmCapabilities {
  /** The wrap format of every blob: store it next to the blob. */
  wrapAlgorithm: 'AES-KW-RFC3394';
  wrappedLength: 40;
  /** How `kcv` is computed, per kind (both computed inside the HSM). */
  kcv: { 'aes-256-key': 'AES-ECB-ZERO-BLOCK-3'; 'random-32': 'HMAC-SHA256-KCV-3' };
  signatureEncoding: 'ieee-p1363';
  /** Largest `count` / array length one batch call accepts. */
  maxBatchSize: number;
}

export type HsmMechanismName =
  | 'AES_KEY_GEN'
  | 'AES_KEY_WRAP'
  | 'AES_KEY_WRAP_PAD'
  | 'AES_ECB'
  | 'SHA256_HMAC'
  | 'ECDSA'
  | 'EC_KEY_PAIR_GEN'
  | 'GENERIC_SECRET_KEY_GEN';

export interface HsmStatus {
  module: { description: string; manufacturer: string; libraryVersion: string; cryptokiVersion: string };
  token: {
    label: string;
    serialNumber: string;
    model: string;
    manufacturer: string;
    hardwareVersion: string;
    firmwareVersion: string;
  };
  isLoggedIn: boolean;
  /** Bytes; null where the token does not report it (CK_UNAVAILABLE_INFORMATION). */
  memory: {
    publicFree: number | null;
    publicTotal: number | null;
    privateFree: number | null;
    privateTotal: number | null;
  };
  mechanisms: Record<HsmMechanismName, boolean>;
  /** Round trip of a trivial call (C_GetSessionInfo) as seen by the caller, in milliseconds. */
  latencyMs: number;
  counters: { recoveries: number; reinitializations: number; objectsSinceInitialize: number };
}

export interface HsmKeyAttributes {
  label: string;
  objectClass: 'secret-key' | 'private-key' | 'public-key' | 'other';
  keyType: 'aes' | 'generic-secret' | 'ec' | 'rsa' | 'other';
  isToken: boolean;
  isPrivate: boolean;
  isModifiable: boolean;
  /** Secret and private keys only; undefined for public keys. */
  isSensitive?: boolean;
  isExtractable?: boolean;
  isAlwaysSensitive?: boolean;
  isNeverExtractable?: boolean;
  isLocal: boolean;
  usage: {
    encrypt: boolean;
    decrypt: boolean;
    wrap: boolean;
    unwrap: boolean;
    sign: boolean;
    verify: boolean;
  };
}
