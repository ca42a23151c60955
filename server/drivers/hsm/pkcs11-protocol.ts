import type { DriverErrorCode } from '../core/driver-error.ts';
import type { HsmKeyAttributes, HsmSecretKind, HsmStatus } from './hsm-driver.ts';

/**
 * Messages between Pkcs11HsmDriver (main thread) and pkcs11-worker.ts, which runs in a worker
 * thread or, for bulk batches, in a helper process (see Pkcs11HsmDriverOptions.bulkProcesses).
 * Byte results travel as one packed Uint8Array per batch, transferred rather than copied (a
 * worker thread) or serialised once (a process): a 10k batch is one message with two buffers,
 * not 10k objects, and plaintext is never left behind in a second copy.
 */

/** Fixed at spawn time. */
export interface WorkerInit {
  modulePath: string;
  tokenLabel: string;
  /** Set in process.env around C_Initialize (e.g. SOFTHSM2_CONF); the worker shares the env. */
  env: Record<string, string>;
  /** Re-initialise after this many session objects (SoftHSM frees them only at C_Finalize); 0 = never. */
  reinitializeAfterOps: number;
  enableTestHooks: boolean;
  /**
   * Int32Array view: [CONTROL_CLOSING] = 1 when closing; [CONTROL_CANCEL_BASE + slot] = id of a
   * cancelled call posted with that slot. Worker threads only: a helper process keeps its own
   * copy, updated by `control` messages.
   */
  control?: SharedArrayBuffer;
}

/** Environment variable that hands a helper process its WorkerInit (JSON; no secrets in it). */
export const PROCESS_INIT_ENV = 'LOCKWARDEN_PKCS11_WORKER_INIT';

export const CONTROL_CLOSING = 0;
export const CONTROL_CANCEL_BASE = 1;
/**
 * Calls posted to the worker at once: the one running and the next one, so the worker starts
 * the next batch the moment it finishes one instead of waiting for the main thread (busy
 * committing the previous batch) to read the result and post again. Each posted call has its
 * own cancel slot (post sequence modulo this), so a posted call that was given up is dropped.
 */
export const MAX_POSTED = 2;
export const CONTROL_LENGTH = CONTROL_CANCEL_BASE + MAX_POSTED;

export type TestHook =
  | { kind: 'close-all-sessions' }
  | { kind: 'logout' }
  /** The next `count` calls of PKCS#11 function `fn` (any C_* if omitted) fail with `ckr`. */
  | { kind: 'fail-next'; ckr: number; count: number; fn?: string }
  /** Tries to read CKA_VALUE; answers only whether that worked, never the bytes. */
  | { kind: 'probe-value'; label: string }
  /** A SESSION key with a known value, for known-answer tests against node:crypto. */
  | { kind: 'import-known-key'; label: string; type: 'aes-kek' | 'hmac'; value: Uint8Array };

export type HsmRequest =
  | { op: 'open' }
  | { op: 'ping' }
  | { op: 'status' }
  | { op: 'createKek'; label: string }
  | { op: 'createHmacKey'; label: string }
  | { op: 'createSigningKeyPair'; label: string }
  | { op: 'hasKey'; label: string }
  | { op: 'destroyKey'; label: string }
  | { op: 'describeKey'; label: string }
  | { op: 'publicKeySpki'; label: string }
  | { op: 'generateWrapped'; kekLabel: string; kind: HsmSecretKind; count: number }
  | { op: 'unwrap'; kekLabel: string; kind: HsmSecretKind; wrapped: Uint8Array }
  | { op: 'rewrap'; fromKekLabel: string; toKekLabel: string; kind: HsmSecretKind; packed: Uint8Array }
  | { op: 'hmac'; label: string; data: Uint8Array[] }
  | { op: 'signDigest'; label: string; digest: Uint8Array }
  | { op: 'random'; n: number }
  | { op: 'testHook'; hook: TestHook };

export type HsmOp = HsmRequest['op'];

export interface HsmResults {
  open: null;
  ping: null;
  status: Omit<HsmStatus, 'latencyMs'>;
  createKek: null;
  createHmacKey: null;
  createSigningKeyPair: null;
  hasKey: boolean;
  destroyKey: null;
  describeKey: HsmKeyAttributes[];
  publicKeySpki: Uint8Array;
  /** `wrapped`: count × 40 bytes; `kcv`: count × 3 bytes; the worker's counters after the batch. */
  generateWrapped: { wrapped: Uint8Array; kcv: Uint8Array; counters: WorkerCounters };
  /** The 32 plaintext bytes, in their own transferred ArrayBuffer. */
  unwrap: Uint8Array;
  rewrap: Uint8Array;
  hmac: Uint8Array;
  signDigest: Uint8Array;
  random: Uint8Array;
  testHook: unknown;
}

export interface WireError {
  code: DriverErrorCode;
  message: string;
  retryable: boolean;
  detail: Record<string, unknown>;
}

export type MainToWorker =
  | { type: 'call'; id: number; slot: number; request: HsmRequest }
  /** Sets control[index] in a helper process (a worker thread shares the array instead). */
  | { type: 'control'; index: number; value: number }
  | { type: 'pin'; reqId: number; pin: Uint8Array }
  /** No PIN this time (closing, or the PIN source failed): the login fails with `error`. */
  | { type: 'pin'; reqId: number; pin: null; error: WireError }
  | { type: 'close' };

export type WorkerEvent =
  | { kind: 'recovered'; op: string; ckrName?: string; code: DriverErrorCode }
  | { kind: 'reinitialized'; reason: 'periodic' | 'recovery'; objectsSinceInitialize: number };

export type WorkerToMain =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError }
  /**
   * The worker is about to (re-)initialise and log in. The PIN answers it once no other worker
   * of the driver is doing the same; `login-done` ends that turn (SoftHSM 2.6.1 rewrites
   * token.object on every login, unsafely for a process that initialises meanwhile: reference §1).
   */
  | { type: 'need-pin'; reqId: number }
  | { type: 'login-done'; reqId: number }
  | { type: 'event'; event: WorkerEvent }
  | { type: 'closed' };

export interface WorkerCounters {
  recoveries: number;
  reinitializations: number;
  objectsSinceInitialize: number;
}
