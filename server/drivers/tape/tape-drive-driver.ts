import type { Secret } from '../core/secret.ts';
import type { CallOptions } from '../scsi/scsi-commander.ts';

/**
 * The LTO tape drive contract (ARCHITECTURE.md §3, application-managed encryption as in
 * reference lto-scsi.md Appendix C). One implementation, `ScsiTapeDrive`, runs over any
 * `ScsiTransport` (SG_IO, the emulator socket, the in-process emulator).
 *
 * Rules for every method:
 * - It rejects only with `DriverError`. A CHECK CONDITION carries the decoded sense in
 *   `detail` (`senseKey`, `asc`, `ascq`, their names, `fieldPointer`); key bytes never appear
 *   in a message, `detail` or log — the key crosses this interface as a `Secret` only.
 * - Before `open()` resolves and after `close()`, calls reject with `SCSI_CLOSED`.
 * - Retried inside the call: UNIT ATTENTION (6/28/00 medium changed, 6/29/00 power on, …) up
 *   to 4 times; 2/04/01 "becoming ready" is waited out; BUSY up to 3 times. On READ/WRITE a
 *   6/2A/11 or 6/2A/12 (encryption parameters changed by another nexus or an event) is NOT
 *   retried: it rejects with retryable `TAPE_ENCRYPTION_PARAMETERS_CHANGED` so the caller
 *   re-reads the status and re-establishes its key before any data moves.
 * - `retryable: true` marks errors the same call may survive unchanged (`SCSI_NOT_READY`
 *   becoming ready, `SCSI_BUSY`, `SCSI_TIMEOUT`, `SCSI_TRANSPORT_FAILED`, `SCSI_UNIT_ATTENTION`,
 *   `TAPE_ENCRYPTION_PARAMETERS_CHANGED`). Everything else is final.
 * - Calls are serialised per driver (one runs at a time, FIFO). `opts.timeoutMs` bounds the
 *   whole call (`SCSI_TIMEOUT`); `opts.signal` aborts it (`SCSI_ABORTED`) between commands —
 *   a command already sent may still take effect on the drive.
 * - `close()` lets the running call finish its current command, rejects queued calls with
 *   `SCSI_CLOSED` and closes the transport (the I_T nexus ends: LOCAL parameters are dropped).
 */
export interface TapeDriveDriver {
  /** Read by `open()`; throws `SCSI_CLOSED` before. */
  readonly identity: TapeDriveIdentity;
  /** Read by `open()` (and refreshed by `getCapabilities`); throws `SCSI_CLOSED` before. */
  readonly capabilities: TapeDriveCapabilities;

  /**
   * INQUIRY (must be a sequential-access device, else `SCSI_WRONG_DEVICE_TYPE`), VPD 0x80, the
   * security protocol lists and pages 0x0010 / 0x0012. A drive without tape encryption opens
   * with `capabilities.encryption = false`. Calling it again while open is a no-op.
   */
  open(opts?: CallOptions): Promise<void>;
  close(): Promise<void>;

  /** Re-reads INQUIRY and the serial (identity before action: invariant 2). */
  identify(opts?: CallOptions): Promise<TapeDriveIdentity>;
  /** Re-reads page 0x0010 (AVFMV depends on the loaded cartridge). */
  getCapabilities(opts?: CallOptions): Promise<TapeDriveCapabilities>;
  /** TEST UNIT READY (+ MODE SENSE for the density when loaded). Never rejects for "no medium". */
  getMediumState(opts?: CallOptions): Promise<TapeMediumState>;

  /**
   * SPOUT Set Data Encryption: encrypt + decrypt (or mixed), the chosen AES-256-GCM algorithm
   * index, the key, and `keyId` in the U-KAD (readable later from the tape even without the
   * key). Then SPIN 0x0020 to confirm modes, KAD and a risen key instance counter.
   * Rejects with `SCSI_IDENTITY_MISMATCH` (expectedSerial), `TAPE_ENCRYPTION_UNSUPPORTED`,
   * `TAPE_ENCRYPTION_NOT_CONTROLLABLE` (CFG_P = 10b: library- or system-managed),
   * `SCSI_NO_MEDIUM` (CKOD needs a cartridge), `SCSI_INVALID_ARGUMENT` (key length, keyId too
   * long or not ASCII), `TAPE_ENCRYPTION_PARAMETER_REJECTED` (5/26/xx, with `fieldPointer`).
   * The caller owns `key` and disposes it; the driver zeroes its own copy after sending.
   */
  setEncryptionKey(req: SetTapeKeyRequest, opts?: CallOptions): Promise<TapeEncryptionStatus>;
  /** SPOUT with encryption and decryption off and no key (stenc 2.0's "off"), then 0x0020. */
  clearEncryptionKey(opts?: ClearTapeKeyOptions): Promise<TapeEncryptionStatus>;
  /** SPIN 0x0020 as it applies to this driver's I_T nexus. */
  getEncryptionStatus(opts?: CallOptions): Promise<TapeEncryptionStatus>;
  /** SPIN 0x0021 at the current position: plain, encrypted, and which key (its KAD) it needs. */
  getNextBlockStatus(opts?: CallOptions): Promise<NextBlockStatus>;

  /** LOAD UNLOAD (LOAD=1): thread an inserted cartridge. */
  load(opts?: CallOptions): Promise<void>;
  /** LOAD UNLOAD (LOAD=0): CKOD keys are cleared by the drive now. */
  unload(opts?: CallOptions): Promise<void>;
  rewind(opts?: CallOptions): Promise<void>;
  /** WRITE(6), one variable-length block (encrypted by the drive when a key is set). */
  writeBlock(data: Uint8Array, opts?: CallOptions): Promise<void>;
  writeFilemarks(count: number, opts?: CallOptions): Promise<void>;
  /**
   * READ(6) of one block, SILI set. A filemark or end-of-data is an answer, not an error.
   * Decryption failures reject with `TAPE_DECRYPTION_DISABLED` (74/01: no key set),
   * `TAPE_WRONG_KEY` (74/03), `TAPE_UNENCRYPTED_DATA` (74/02), `TAPE_INTEGRITY_FAILED` (74/04);
   * read `getNextBlockStatus()` then for the key id.
   */
  readBlock(maxLength: number, opts?: CallOptions): Promise<ReadBlockResult>;
}

export interface TapeDriveIdentity {
  vendor: string;
  product: string;
  revision: string;
  /** VPD 0x80: what a library reports by DVCID for this drive. */
  serial: string;
}

export interface TapeDriveCapabilities {
  /** Security protocol 0x20 is supported. */
  encryption: boolean;
  /** CFG_P = 01b: this host may set the parameters (application-managed). */
  hostControlled: boolean;
  /** The AES-256-GCM descriptor's index (1 on LTO), when the drive has one with ENCRYPT_C/DECRYPT_C = 10b. */
  algorithmIndex?: number;
  keyLength: number;
  maxUkadLength: number;
  maxAkadLength: number;
  /** U-KAD must be exactly maxUkadLength (padded with spaces). */
  ukadFixed: boolean;
  /** KADF_C: KAD FORMAT 0x02 (ASCII) is sent. */
  kadFormat: boolean;
  /** AVFMV: the loaded cartridge can be encrypted. */
  validForMountedVolume: boolean;
  lock: boolean;
  clearOnDemount: boolean;
  scopes: { public: boolean; local: boolean; allNexus: boolean };
  /** RDMC_C (raw decryption mode control capability). */
  rawDecryptionControl: number;
}

export interface TapeMediumState {
  loaded: boolean;
  ready: boolean;
  /** 'cleaning' when a cleaning cartridge is in; 'incompatible' for media the drive cannot use. */
  condition: 'ready' | 'no-medium' | 'becoming-ready' | 'cleaning' | 'incompatible' | 'not-ready';
  writeProtected?: boolean;
  densityCode?: number;
}

export type TapeScope = 'public' | 'local' | 'all-nexus';

export interface SetTapeKeyRequest {
  /** 32 bytes of AES-256 key. Never logged, never in errors. */
  key: Secret;
  /** The key's identifier (ASCII, ≤ maxUkadLength): goes into the U-KAD. Never key material. */
  keyId: string;
  /** Optional A-KAD (≤ maxAkadLength, authenticated by the GCM tag): e.g. a short key alias. */
  authenticatedKeyId?: Uint8Array;
  /** Default 'all-nexus' (what stenc and LTFS send); 'local' when several hosts share the drive. */
  scope?: 'local' | 'all-nexus';
  /** Lock this nexus to the key (2A/13 if another nexus changes it). Default false. */
  lock?: boolean;
  /** CKOD: clear the key at unload. Default true (a key must not carry over to the next cartridge). */
  clearOnDemount?: boolean;
  /**
   * False: decrypt only (ENCRYPTION MODE = DISABLE, DECRYPTION MODE as below), to read a
   * cartridge with a key that must not protect new data (a deactivated key). No KAD is sent
   * then (vendors disagree on KADs with encryption off; reference §3.3). Default true.
   */
  encrypt?: boolean;
  /** 'decrypt' refuses plain blocks on read (74/02); 'mixed' returns them. Default 'decrypt'. */
  decryptMode?: 'decrypt' | 'mixed';
  /** Refuse (SCSI_IDENTITY_MISMATCH) unless VPD 0x80 reads this serial right before. */
  expectedSerial?: string;
}

export interface ClearTapeKeyOptions extends CallOptions {
  scope?: 'local' | 'all-nexus';
}

export interface TapeEncryptionStatus {
  /** Scope of the parameters in effect for this nexus. */
  scope: TapeScope;
  keyScope: TapeScope;
  encrypting: boolean;
  decryptionMode: 'disabled' | 'raw' | 'decrypt' | 'mixed';
  algorithmIndex: number;
  keyInstanceCounter: number;
  /** Who may set the parameters: this host, or a management interface (library/LME). */
  parametersControl: 'host' | 'management-interface' | 'not-reported' | 'other';
  volumeHasEncryptedBlocks: boolean;
  rawDecryptionDisabled: boolean;
  /** The U-KAD as text, when it is printable ASCII. */
  keyId?: string;
  ukad?: Uint8Array;
  akad?: Uint8Array;
}

export interface NextBlockStatus {
  state:
    | 'no-medium'
    | 'blank'
    | 'unknown'
    | 'not-yet'
    | 'not-a-block'
    | 'plain'
    | 'unsupported-algorithm'
    | 'encrypted'
    | 'encrypted-key-missing';
  logicalObjectNumber: number;
  algorithmIndex?: number;
  /** The block's U-KAD as text: which key the tape needs. */
  keyId?: string;
  ukad?: Uint8Array;
  akad?: { data: Uint8Array; authenticated: boolean };
}

export type ReadBlockResult =
  | {
      kind: 'data';
      data: Uint8Array;
      /** bytes of the block beyond maxLength, when it was longer */ truncatedBy?: number;
    }
  | { kind: 'filemark' }
  | { kind: 'end-of-data' };
