import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11, Template } from 'pkcs11js';
import { DriverError } from '../core/driver-error.ts';
import { CKA, CKF, CKS, CKU } from './pkcs11-constants.ts';
import { CKR, ckrOf, describeCkr, type Pkcs11Recovery } from './pkcs11-errors.ts';
import type { WorkerEvent, WorkerInit } from './pkcs11-protocol.ts';

/**
 * Worker-side state of one token: the loaded module, the ONE long-lived logged-in session
 * (closing the last session logs out and kills private handles), the label → handle cache, and
 * the recover-once logic. Runs only inside pkcs11-worker.ts.
 */

/**
 * Asks the main thread for the PIN; the bytes are zeroed here after C_Login. The answer is also
 * this connection's turn to initialise and log in, which `loginDone` ends (see `connect`).
 */
export type PinSource = () => Promise<Uint8Array>;

const RECONNECT_CODES = new Set(['HSM_SESSION_INVALID', 'HSM_NOT_LOGGED_IN', 'HSM_DEVICE_REMOVED']);
const PIN_CODES = new Set(['HSM_PIN_INCORRECT', 'HSM_PIN_LOCKED', 'HSM_PIN_EXPIRED']);

export function recoveryOf(err: unknown): Pkcs11Recovery {
  if (err instanceof DriverError) return RECONNECT_CODES.has(err.code) ? 'reconnect' : 'none';
  const ckr = ckrOf(err);
  return ckr === undefined ? 'none' : describeCkr(ckr).recovery;
}

/** A PKCS#11 failure as a DriverError: the CKR number and name, never arguments or bytes. */
export function toDriverError(err: unknown, op: string): DriverError {
  if (err instanceof DriverError) return err;
  const ckr = ckrOf(err);
  if (ckr === undefined) {
    const reason = err instanceof Error ? err.name : typeof err;
    return new DriverError('HSM_OPERATION_FAILED', `${op} failed (${reason})`, { detail: { op, reason } });
  }
  const d = describeCkr(ckr);
  return new DriverError(d.code, `${op} failed: ${d.ckrName}`, {
    detail: { op, ckr, ckrName: d.ckrName },
    retryable: d.retryable,
  });
}

const trimLabel = (s: string): string => s.replace(/[ \0]+$/, '');

export class Pkcs11Connection {
  readonly counters = { recoveries: 0, reinitializations: 0, objectsSinceInitialize: 0 };
  #p: PKCS11 | null = null;
  #slot: Handle | null = null;
  #session: Handle | null = null;
  readonly #handles = new Map<string, Handle>();
  /** Set after the token refused the PIN: never retry a login on our own (lockout counters). */
  #pinRejected: DriverError | null = null;

  constructor(
    private readonly init: WorkerInit,
    private readonly pinSource: PinSource,
    private readonly loginDone: () => void,
    private readonly emit: (event: WorkerEvent) => void,
    private readonly instrument: (p: PKCS11) => PKCS11 = (p) => p,
  ) {}

  get p(): PKCS11 {
    if (!this.#p) throw new DriverError('HSM_SESSION_INVALID', 'the PKCS#11 module is not initialised');
    return this.#p;
  }

  get slot(): Handle {
    if (!this.#slot) throw new DriverError('HSM_SESSION_INVALID', 'no token slot');
    return this.#slot;
  }

  /** Throws a reconnect-class error when there is no session, so `attempt` heals it. */
  get session(): Handle {
    if (!this.#session) throw new DriverError('HSM_SESSION_INVALID', 'no open session');
    return this.#session;
  }

  /**
   * The PIN comes first: the driver hands it to one of its workers (thread or helper process) at
   * a time, and this one keeps that turn from C_Initialize to the end of C_Login. SoftHSM 2.6.1
   * truncates and rewrites token.object on every login without holding its lock, and a process
   * initialising meanwhile finds no token (reference §1, upstream #578).
   */
  async connect(phase: 'open' | 'recovery'): Promise<void> {
    if (this.#pinRejected) throw this.#pinRejected;
    const pin = await this.pinSource();
    try {
      const p = this.#load();
      this.#initialize(p, phase);
      this.#slot = this.#findSlot(p, phase);
      this.#session = p.C_OpenSession(this.#slot, CKF.SERIAL_SESSION | CKF.RW_SESSION);
      this.#login(p, this.#session, this.#slot, pin);
    } catch (err) {
      this.disconnect();
      throw toDriverError(err, phase === 'open' ? 'open' : 'reconnect');
    } finally {
      pin.fill(0);
      this.loginDone();
    }
  }

  /** Best effort, never throws: used on close, on failed connects and before re-initialising. */
  disconnect(): void {
    const p = this.#p;
    if (p && this.#session) {
      for (const step of [() => p.C_Logout(this.#session!), () => p.C_CloseSession(this.#session!)])
        try {
          step();
        } catch {
          // already gone
        }
    }
    if (p)
      try {
        p.C_Finalize();
      } catch {
        // not initialised
      }
    this.#session = null;
    this.#slot = null;
    this.#handles.clear();
    this.counters.objectsSinceInitialize = 0;
  }

  async reconnect(reason: 'periodic' | 'recovery'): Promise<void> {
    const objectsSinceInitialize = this.counters.objectsSinceInitialize;
    this.disconnect();
    this.counters.reinitializations++;
    await this.connect('recovery');
    this.emit({ kind: 'reinitialized', reason, objectsSinceInitialize });
  }

  /** SoftHSM keeps every session object until C_Finalize: bound that between batch items. */
  get needsReinitialize(): boolean {
    const limit = this.init.reinitializeAfterOps;
    return limit > 0 && this.counters.objectsSinceInitialize >= limit;
  }

  noteSessionObjects(n: number): void {
    this.counters.objectsSinceInitialize += n;
  }

  /**
   * Runs `fn`; on a recoverable failure heals the connection and runs it again, at most once per
   * `state` (one state per call, shared by the items of a batch). Synchronous when nothing
   * fails, so a batch item costs no promise.
   */
  attempt<T>(op: string, state: { recovered: boolean }, fn: () => T): T | Promise<T> {
    try {
      return fn();
    } catch (err) {
      return this.#recoverThenRetry(op, state, fn, err);
    }
  }

  async #recoverThenRetry<T>(
    op: string,
    state: { recovered: boolean },
    fn: () => T,
    err: unknown,
  ): Promise<T> {
    const recovery = recoveryOf(err);
    if (recovery === 'none') throw err;
    if (this.#pinRejected) throw this.#pinRejected;
    if (state.recovered) throw err;
    state.recovered = true;
    this.counters.recoveries++;
    const cause = toDriverError(err, op);
    this.#handles.clear();
    if (recovery === 'reconnect' || !this.isHealthy()) await this.reconnect('recovery');
    const ckrName = cause.detail['ckrName'];
    this.emit({
      kind: 'recovered',
      op,
      code: cause.code,
      ...(typeof ckrName === 'string' ? { ckrName } : {}),
    });
    return fn();
  }

  /** Logged in and the token still answers (SoftHSM: a deleted token dir fails C_GetTokenInfo). */
  isHealthy(): boolean {
    try {
      const { state } = this.p.C_GetSessionInfo(this.session);
      if (state !== CKS.RW_USER_FUNCTIONS && state !== CKS.RO_USER_FUNCTIONS) return false;
      this.p.C_GetTokenInfo(this.slot);
      return true;
    } catch {
      return false;
    }
  }

  findAll(template: Template): Handle[] {
    const { p, session } = this;
    p.C_FindObjectsInit(session, template);
    try {
      return p.C_FindObjects(session, 16);
    } finally {
      try {
        p.C_FindObjectsFinal(session);
      } catch {
        // the find error, if any, is the one that matters
      }
    }
  }

  /** All objects with the label; an empty answer is only trusted while the token is present. */
  findByLabel(label: string): Handle[] {
    const found = this.findAll([{ type: CKA.LABEL, value: label }]);
    if (found.length === 0) this.assertTokenPresent();
    return found;
  }

  /** The one key of `objectClass` with the label, cached until the next re-login. */
  findKey(label: string, objectClass: number): Handle {
    const cacheKey = `${objectClass}:${label}`;
    const cached = this.#handles.get(cacheKey);
    if (cached) return cached;
    const found = this.findAll([
      { type: CKA.CLASS, value: objectClass },
      { type: CKA.LABEL, value: label },
    ]);
    if (found.length === 0) {
      this.assertTokenPresent();
      throw new DriverError('HSM_KEY_NOT_FOUND', `no key labelled ${label}`, {
        detail: { label, objectClass },
      });
    }
    if (found.length > 1)
      throw new DriverError('HSM_KEY_AMBIGUOUS', `${found.length} keys are labelled ${label}`, {
        detail: { label, count: found.length },
      });
    this.#handles.set(cacheKey, found[0]!);
    return found[0]!;
  }

  forget(label: string): void {
    for (const k of this.#handles.keys()) if (k.endsWith(`:${label}`)) this.#handles.delete(k);
  }

  assertTokenPresent(): void {
    try {
      this.p.C_GetTokenInfo(this.slot);
    } catch (err) {
      throw new DriverError('HSM_DEVICE_REMOVED', 'the token no longer answers', {
        detail: { tokenLabel: this.init.tokenLabel, ckr: ckrOf(err) },
        retryable: true,
      });
    }
  }

  #load(): PKCS11 {
    if (this.#p) return this.#p;
    const p = new pkcs11js.PKCS11();
    try {
      p.load(this.init.modulePath);
    } catch (err) {
      throw new DriverError('HSM_MODULE_LOAD_FAILED', 'the PKCS#11 module could not be loaded', {
        detail: {
          modulePath: this.init.modulePath,
          reason: err instanceof Error ? err.message : String(err),
        },
      });
    }
    this.#p = this.instrument(p);
    return this.#p;
  }

  /**
   * CKF_OS_LOCKING_OK always: with NULL args SoftHSM turns its mutexes off (reference §1).
   * SOFTHSM2_CONF & co. are read by the C library during C_Initialize only, so they are set
   * around it (the worker shares the process environment) and restored after.
   */
  #initialize(p: PKCS11, phase: 'open' | 'recovery'): void {
    const saved = Object.entries(this.init.env).map(([k, v]) => {
      const old = process.env[k];
      process.env[k] = v;
      return [k, old] as const;
    });
    try {
      p.C_Initialize({ flags: CKF.OS_LOCKING_OK });
    } catch (err) {
      const ckr = ckrOf(err);
      if (ckr === CKR.CRYPTOKI_ALREADY_INITIALIZED) return;
      const detail = {
        modulePath: this.init.modulePath,
        ckr,
        hint: 'SoftHSM: run `softhsm2-util --show-slots` with the same SOFTHSM2_CONF to see why',
      };
      // It initialised before, so now the device or its store is gone (SoftHSM: token dir missing).
      if (phase === 'recovery')
        throw new DriverError('HSM_DEVICE_REMOVED', 'the module no longer initialises', {
          detail,
          retryable: true,
        });
      throw new DriverError('HSM_MODULE_LOAD_FAILED', 'C_Initialize failed', { detail });
    } finally {
      for (const [k, old] of saved) {
        if (old === undefined) delete process.env[k];
        else process.env[k] = old;
      }
    }
  }

  /** By label, never by slot id: SoftHSM renumbers slots whenever a token is initialised. */
  #findSlot(p: PKCS11, phase: 'open' | 'recovery'): Handle {
    const matches = p.C_GetSlotList(true).filter((slot) => {
      try {
        return trimLabel(p.C_GetTokenInfo(slot).label) === this.init.tokenLabel;
      } catch {
        return false;
      }
    });
    const detail = { tokenLabel: this.init.tokenLabel };
    if (matches.length > 1)
      throw new DriverError(
        'HSM_TOKEN_AMBIGUOUS',
        `${matches.length} tokens are labelled ${detail.tokenLabel}`,
        {
          detail: { ...detail, count: matches.length },
        },
      );
    if (matches[0]) return matches[0];
    if (phase === 'recovery')
      throw new DriverError('HSM_DEVICE_REMOVED', 'the token is no longer present', {
        detail,
        retryable: true,
      });
    throw new DriverError('HSM_TOKEN_NOT_FOUND', `no token labelled ${detail.tokenLabel}`, { detail });
  }

  #login(p: PKCS11, session: Handle, slot: Handle, pin: Uint8Array): void {
    // Do not spend an attempt on a token that already says the PIN is locked.
    if (p.C_GetTokenInfo(slot).flags & CKF.USER_PIN_LOCKED)
      throw this.#rejectPin(new DriverError('HSM_PIN_LOCKED'));
    try {
      // pkcs11js only takes a JS string: it cannot be zeroed, so it lives only in this scope.
      p.C_Login(session, CKU.USER, new TextDecoder().decode(pin));
    } catch (err) {
      if (ckrOf(err) === CKR.USER_ALREADY_LOGGED_IN) return;
      const de = toDriverError(err, 'login');
      throw PIN_CODES.has(de.code) ? this.#rejectPin(de) : de;
    }
  }

  #rejectPin(err: DriverError): DriverError {
    this.#pinRejected = err;
    return err;
  }
}
