import { SHARE_ENV, Worker } from 'node:worker_threads';
import { DriverError } from '../core/driver-error.ts';
import type { HsmCallOptions } from './hsm-driver.ts';
import {
  CONTROL_CANCEL_ID,
  CONTROL_CLOSING,
  type HsmOp,
  type HsmRequest,
  type HsmResults,
  type WireError,
  type WorkerEvent,
  type WorkerInit,
  type WorkerToMain,
} from './pkcs11-protocol.ts';

/**
 * Main-thread end of the worker: a FIFO of calls sent one at a time (the worker is serial
 * anyway, and a call that never left the queue can be dropped cleanly), timeouts, aborts, PIN
 * requests and shutdown. Knows nothing about keys.
 */
export interface WorkerClientOptions {
  init: Omit<WorkerInit, 'control'>;
  /** A fresh copy of the PIN each time; the worker zeroes it after C_Login. */
  getPin: () => Promise<Uint8Array>;
  onEvent: (event: WorkerEvent) => void;
  /** The worker died on its own (a bug or a crash inside the module). */
  onDead: (err: DriverError) => void;
  closeTimeoutMs: number;
}

interface Pending {
  id: number;
  request: HsmRequest;
  transfer: ArrayBuffer[];
  settled: boolean;
  resolve: (value: unknown) => void;
  reject: (err: DriverError) => void;
  cleanup: () => void;
}

const closedError = () => new DriverError('HSM_CLOSED');

/**
 * Spawns the worker. Run as TypeScript, the entry goes through worker-bootstrap.mjs; once
 * compiled, straight to pkcs11-worker.js. SHARE_ENV: the C library reads SOFTHSM2_CONF with
 * getenv(), which a worker's private env copy would not reach.
 */
function spawn(init: WorkerInit): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts'))
    return new Worker(new URL('./pkcs11-worker.js', self), { workerData: init, env: SHARE_ENV });
  const entry = new URL('./pkcs11-worker.ts', self).href;
  return new Worker(new URL('./worker-bootstrap.mjs', self), {
    workerData: { ...init, entry },
    env: SHARE_ENV,
  });
}

/** Late results of calls nobody waits for any more may hold plaintext: zero them. */
function discard(value: unknown): void {
  if (value instanceof Uint8Array) value.fill(0);
}

export class Pkcs11WorkerClient {
  readonly #worker: Worker;
  readonly #control = new Int32Array(new SharedArrayBuffer(8));
  readonly #queue: Pending[] = [];
  #inflight: Pending | null = null;
  #nextId = 1;
  #closing: Promise<void> | null = null;
  #dead: DriverError | null = null;
  #onClosed: (() => void) | null = null;

  constructor(private readonly options: WorkerClientOptions) {
    this.#worker = spawn({ ...options.init, control: this.#control.buffer });
    this.#worker.on('message', (msg: WorkerToMain) => this.#onMessage(msg));
    this.#worker.on('error', (err) => this.#die(err.name));
    this.#worker.on('exit', (code) => this.#die(`exit ${code}`));
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
    Atomics.store(this.#control, CONTROL_CLOSING, 1);
    for (const p of [...this.#queue.splice(0), ...(this.#inflight ? [this.#inflight] : [])])
      this.#settle(p, () => p.reject(closedError()));
    if (!this.#dead) {
      let timer: NodeJS.Timeout | undefined;
      const closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
      this.#worker.postMessage({ type: 'close' });
      await Promise.race([
        closed,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.closeTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    await this.#worker.terminate();
  }

  #pump(): void {
    if (this.#inflight || !this.isAlive) return;
    const p = this.#queue.shift();
    if (!p) return;
    this.#inflight = p;
    this.#worker.postMessage({ type: 'call', id: p.id, request: p.request }, p.transfer);
  }

  #settle(p: Pending, fn: () => void): void {
    if (p.settled) return;
    p.settled = true;
    p.cleanup();
    fn();
  }

  /** Timeout or abort: a queued call is dropped; a running one is told to stop between items. */
  #giveUp(p: Pending, err: DriverError): void {
    const queued = this.#queue.indexOf(p);
    if (queued >= 0) this.#queue.splice(queued, 1);
    else Atomics.store(this.#control, CONTROL_CANCEL_ID, p.id);
    this.#settle(p, () => p.reject(err));
  }

  #onMessage(msg: WorkerToMain): void {
    switch (msg.type) {
      case 'result': {
        const p = this.#inflight;
        if (!p || p.id !== msg.id) return;
        this.#inflight = null;
        if (msg.ok && p.settled) discard(msg.value);
        else if (msg.ok) this.#settle(p, () => p.resolve(msg.value));
        else this.#settle(p, () => p.reject(fromWire(msg.error)));
        this.#pump();
        return;
      }
      case 'need-pin':
        void this.#sendPin(msg.reqId);
        return;
      case 'event':
        this.options.onEvent(msg.event);
        return;
      case 'closed':
        this.#onClosed?.();
    }
  }

  async #sendPin(reqId: number): Promise<void> {
    const refuse = (error: WireError) => this.#worker.postMessage({ type: 'pin', reqId, pin: null, error });
    if (!this.isAlive)
      return refuse({ code: 'HSM_CLOSED', message: 'the driver is closing', retryable: false, detail: {} });
    try {
      const pin = await this.options.getPin();
      this.#worker.postMessage({ type: 'pin', reqId, pin }, [pin.buffer as ArrayBuffer]);
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
    if (this.#closing || this.#dead) return;
    this.#dead = new DriverError('HSM_DEVICE_ERROR', 'the PKCS#11 worker stopped', { detail: { reason } });
    for (const p of [...this.#queue.splice(0), ...(this.#inflight ? [this.#inflight] : [])])
      this.#settle(p, () => p.reject(this.#dead!));
    this.#inflight = null;
    this.options.onDead(this.#dead);
  }
}

export function fromWire(e: WireError): DriverError {
  return new DriverError(e.code, e.message, { detail: e.detail, retryable: e.retryable });
}
