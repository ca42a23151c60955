import { DriverError } from '../core/driver-error.ts';
import type { HsmCallOptions } from './hsm-driver.ts';
import {
  CONTROL_CANCEL_BASE,
  CONTROL_CLOSING,
  MAX_POSTED,
  type HsmOp,
  type HsmRequest,
  type HsmResults,
  type WireError,
  type WorkerEvent,
  type WorkerInit,
  type WorkerToMain,
} from './pkcs11-protocol.ts';
import { spawnWorker, type WorkerEndpoint, type WorkerKind } from './pkcs11-worker-endpoint.ts';

/**
 * Main-thread end of the worker: a FIFO of calls, at most MAX_POSTED of them handed to the
 * (serial) worker at a time so it never idles between two queued calls, timeouts, aborts, PIN
 * requests and shutdown. Knows nothing about keys.
 */
export interface WorkerClientOptions {
  /** A worker thread (default) or a helper process. */
  kind?: WorkerKind;
  init: Omit<WorkerInit, 'control'>;
  /** A fresh copy of the PIN each time; the worker zeroes it after C_Login. */
  getPin: () => Promise<Uint8Array>;
  /**
   * Waits for this worker's turn to log in (shared by all workers of one driver) and resolves
   * with the function that ends it. Called before `getPin`; the turn ends when the worker says
   * `login-done`, when the PIN is refused, or when the worker stops.
   */
  loginTurn?: () => Promise<() => void>;
  onEvent: (event: WorkerEvent) => void;
  /** The worker died on its own (a bug or a crash inside the module). */
  onDead: (err: DriverError) => void;
  closeTimeoutMs: number;
}

interface Pending {
  id: number;
  /** Cancel slot, set when posted to the worker. */
  slot: number;
  request: HsmRequest;
  transfer: ArrayBuffer[];
  settled: boolean;
  resolve: (value: unknown) => void;
  reject: (err: DriverError) => void;
  cleanup: () => void;
}

const closedError = () => new DriverError('HSM_CLOSED');

/** Late results of calls nobody waits for any more may hold plaintext: zero them. */
function discard(value: unknown): void {
  if (value instanceof Uint8Array) value.fill(0);
}

export class Pkcs11WorkerClient {
  readonly #worker: WorkerEndpoint;
  readonly #queue: Pending[] = [];
  /** Posted to the worker, in the order it runs them; the first one is running or done. */
  readonly #posted: Pending[] = [];
  #nextId = 1;
  #postSeq = 0;
  #closing: Promise<void> | null = null;
  #dead: DriverError | null = null;
  #onClosed: (() => void) | null = null;
  /** Ends this worker's login turn; idempotent. */
  #endLoginTurn: () => void = () => {};

  constructor(private readonly options: WorkerClientOptions) {
    this.#worker = spawnWorker(options.kind ?? 'thread', options.init);
    this.#worker.onMessage((msg) => this.#onMessage(msg));
    this.#worker.onStopped((reason) => this.#die(reason));
  }

  get isAlive(): boolean {
    return this.#closing === null && this.#dead === null;
  }

  call<K extends HsmOp>(
    request: Extract<HsmRequest, { op: K }>,
    opts: HsmCallOptions = {},
    transfer: ArrayBuffer[] = [],
  ): Promise<HsmResults[K]> {
    if (!this.isAlive) return Promise.reject(this.#dead ?? closedError());
    if (opts.signal?.aborted) return Promise.reject(new DriverError('HSM_ABORTED'));
    return new Promise<HsmResults[K]>((resolve, reject) => {
      const p: Pending = {
        id: this.#nextId++,
        slot: -1,
        request,
        transfer,
        settled: false,
        resolve: resolve as (value: unknown) => void,
        reject,
        cleanup: () => {},
      };
      const onAbort = () => this.#giveUp(p, new DriverError('HSM_ABORTED'));
      const timer =
        opts.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const detail = { op: request.op, timeoutMs: opts.timeoutMs };
              this.#giveUp(p, new DriverError('HSM_TIMEOUT', undefined, { detail, retryable: true }));
            }, opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      p.cleanup = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      this.#queue.push(p);
      this.#pump();
    });
  }

  /** Rejects everything with HSM_CLOSED now, then lets the worker log out and finalize. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#worker.setControl(CONTROL_CLOSING, 1);
    // Posted calls stay listed so that a late result is still matched and zeroed.
    for (const p of [...this.#queue.splice(0), ...this.#posted])
      this.#settle(p, () => p.reject(closedError()));
    if (!this.#dead) {
      let timer: NodeJS.Timeout | undefined;
      const closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
      this.#worker.post({ type: 'close' });
      await Promise.race([
        closed,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.closeTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    await this.#worker.terminate();
    this.#endLoginTurn();
  }

  #pump(): void {
    while (this.#posted.length < MAX_POSTED && this.isAlive) {
      const p = this.#queue.shift();
      if (!p) return;
      // Consecutive posts get different slots, so a slot is free again once its call is done.
      p.slot = this.#postSeq++ % MAX_POSTED;
      this.#posted.push(p);
      this.#worker.post({ type: 'call', id: p.id, slot: p.slot, request: p.request }, p.transfer);
    }
  }

  #settle(p: Pending, fn: () => void): void {
    if (p.settled) return;
    p.settled = true;
    p.cleanup();
    fn();
  }

  /**
   * Timeout or abort: a queued call is dropped; a posted one is dropped by the worker before it
   * starts, or told to stop between items if it is running.
   */
  #giveUp(p: Pending, err: DriverError): void {
    const queued = this.#queue.indexOf(p);
    if (queued >= 0) this.#queue.splice(queued, 1);
    else this.#worker.setControl(CONTROL_CANCEL_BASE + p.slot, p.id);
    this.#settle(p, () => p.reject(err));
  }

  #onMessage(msg: WorkerToMain): void {
    switch (msg.type) {
      case 'result': {
        const p = this.#posted[0];
        if (!p || p.id !== msg.id) return;
        this.#posted.shift();
        if (msg.ok && p.settled) discard(msg.value);
        else if (msg.ok) this.#settle(p, () => p.resolve(msg.value));
        else this.#settle(p, () => p.reject(fromWire(msg.error)));
        this.#pump();
        return;
      }
      case 'need-pin':
        void this.#sendPin(msg.reqId);
        return;
      case 'login-done':
        this.#endLoginTurn();
        return;
      case 'event':
        this.options.onEvent(msg.event);
        return;
      case 'closed':
        this.#onClosed?.();
    }
  }

  async #sendPin(reqId: number): Promise<void> {
    const refuse = (error: WireError) => {
      this.#endLoginTurn();
      this.#worker.post({ type: 'pin', reqId, pin: null, error });
    };
    const closing = () =>
      refuse({ code: 'HSM_CLOSED', message: 'the driver is closing', retryable: false, detail: {} });
    if (!this.isAlive) return closing();
    if (this.options.loginTurn) {
      const end = await this.options.loginTurn();
      let ended = false;
      this.#endLoginTurn = () => {
        if (ended) return;
        ended = true;
        end();
      };
      // Stopped while waiting for the turn: hand it straight on.
      if (!this.isAlive) return closing();
    }
    try {
      const pin = await this.options.getPin();
      this.#worker.post({ type: 'pin', reqId, pin }, [pin.buffer as ArrayBuffer]);
    } catch (err) {
      // The PIN source's own error may quote the file or variable: keep only its type.
      const reason = err instanceof Error ? err.name : typeof err;
      refuse({
        code: 'HSM_NOT_LOGGED_IN',
        message: 'the PIN could not be read',
        retryable: true,
        detail: { reason },
      });
    }
  }

  #die(reason: string): void {
    this.#endLoginTurn();
    if (this.#closing || this.#dead) return;
    this.#dead = new DriverError('HSM_DEVICE_ERROR', 'the PKCS#11 worker stopped', { detail: { reason } });
    for (const p of [...this.#queue.splice(0), ...this.#posted.splice(0)])
      this.#settle(p, () => p.reject(this.#dead!));
    this.options.onDead(this.#dead);
  }
}

export function fromWire(e: WireError): DriverError {
  return new DriverError(e.code, e.message, { detail: e.detail, retryable: e.retryable });
}
