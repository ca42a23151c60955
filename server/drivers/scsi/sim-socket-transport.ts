import { createConnection, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DriverError } from '../core/driver-error.ts';
import { FrameSplitter, decodeResponse, encodeRequest } from './sim-socket-frame.ts';
import {
  DRIVER_SENSE,
  HOST_STATUS,
  abortedError,
  closedError,
  validateCommand,
  type ScsiCallOptions,
  type ScsiCommand,
  type ScsiResult,
  type ScsiTransport,
} from './scsi-transport.ts';

export interface SimSocketTransportOptions {
  /** The emulator's Unix socket (`…/nst0.sock`). */
  path: string;
  /** How long to wait for the connection. Default 2000 ms. */
  connectTimeoutMs?: number;
  /**
   * How long past a command's own timeout to wait before giving up on the emulator (which
   * enforces the timeout itself and answers DID_TIME_OUT). Default 2000 ms.
   */
  graceMs?: number;
}

type Outcome = { kind: 'frame'; frame: Uint8Array } | { kind: 'timeout' };

interface Pending {
  resolve(o: Outcome): void;
  reject(e: Error): void;
}

/**
 * `ScsiTransport` over the emulator socket (reference sim-scsi-socket.md). The connection is
 * opened on first use and again after it breaks; each connection is a new I_T nexus. A socket
 * that vanishes fails the command in flight with a retryable `SCSI_TRANSPORT_FAILED`.
 */
export class SimSocketTransport implements ScsiTransport {
  readonly #opts: Required<SimSocketTransportOptions>;
  #socket: Socket | null = null;
  #splitter = new FrameSplitter();
  #pending: Pending | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(opts: SimSocketTransportOptions) {
    this.#opts = { connectTimeoutMs: 2000, graceMs: 2000, ...opts };
  }

  async execute(cmd: ScsiCommand, opts: ScsiCallOptions = {}): Promise<ScsiResult> {
    validateCommand(cmd);
    if (this.#closed) throw closedError();
    const run = this.#queue.then(() => this.#run(cmd, opts));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#drop(closedError());
    return Promise.resolve();
  }

  async #run(cmd: ScsiCommand, opts: ScsiCallOptions): Promise<ScsiResult> {
    if (this.#closed) throw closedError();
    if (opts.signal?.aborted) throw abortedError();
    const socket = this.#socket ?? (await this.#connect());
    const allocationLength = cmd.direction === 'in' ? (cmd.allocationLength ?? 0) : 0;
    const frame = encodeRequest({
      direction: cmd.direction,
      cdb: cmd.cdb,
      timeoutMs: cmd.timeoutMs,
      allocationLength,
      dataOut: cmd.dataOut ?? new Uint8Array(0),
    });
    const started = performance.now();
    const outcome = await new Promise<Outcome>((resolve, reject) => {
      // The emulator enforces the timeout itself; this only fires if it stopped answering.
      // The late answer would arrive out of order, so the connection (the nexus) goes too.
      const timer = setTimeout(() => {
        const p = this.#pending;
        this.#pending = null;
        this.#drop(null);
        p?.resolve({ kind: 'timeout' });
      }, cmd.timeoutMs + this.#opts.graceMs);
      const onAbort = () => this.#drop(abortedError());
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      this.#pending = {
        resolve: (o) => (settle(), resolve(o)),
        reject: (e) => (settle(), reject(e)),
      };
      // A SPOUT frame holds key material: zero it once the socket no longer needs it.
      socket.write(frame, () => cmd.direction === 'out' && frame.fill(0));
    });
    const durationMs = Math.round(performance.now() - started);
    if (outcome.kind === 'timeout') {
      return {
        status: 0,
        dataIn: new Uint8Array(0),
        residual: allocationLength,
        durationMs,
        hostStatus: HOST_STATUS.TIME_OUT,
        driverStatus: 0,
      };
    }
    const res = decodeResponse(outcome.frame);
    return {
      status: res.status,
      ...(res.sense.length > 0 ? { sense: res.sense } : {}),
      dataIn: res.dataIn,
      residual: res.residual,
      durationMs,
      hostStatus: res.hostStatus,
      driverStatus: res.sense.length > 0 ? DRIVER_SENSE : 0,
    };
  }

  #connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path: this.#opts.path });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(transportFailed(`connecting to ${this.#opts.path} timed out`, 'ETIMEDOUT'));
      }, this.#opts.connectTimeoutMs);
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(transportFailed(`cannot connect to ${this.#opts.path}: ${e.code ?? e.message}`, e.code, e));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        this.#attach(socket);
        resolve(socket);
      });
    });
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    this.#splitter = new FrameSplitter();
    socket.on('data', (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = this.#splitter.push(chunk);
      } catch (e) {
        this.#drop(transportFailed('the emulator sent a malformed frame', 'EPROTO', e));
        return;
      }
      for (const f of frames) {
        const p = this.#pending;
        this.#pending = null;
        if (p) p.resolve({ kind: 'frame', frame: f });
        else this.#drop(transportFailed('the emulator sent an unrequested frame', 'EPROTO'));
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => this.#lost(socket, e.code, e));
    socket.on('close', () => this.#lost(socket, 'ECONNRESET'));
  }

  #lost(socket: Socket, code: string | undefined, cause?: unknown): void {
    if (this.#socket !== socket) return;
    this.#drop(transportFailed(`the connection to ${this.#opts.path} was lost`, code, cause));
  }

  /** Ends the connection; a pending command fails with `err` (or was already resolved). */
  #drop(err: DriverError | null): void {
    const socket = this.#socket;
    this.#socket = null;
    socket?.destroy();
    const p = this.#pending;
    this.#pending = null;
    if (p && err) p.reject(err);
  }
}

function transportFailed(message: string, errno: string | undefined, cause?: unknown): DriverError {
  return new DriverError('SCSI_TRANSPORT_FAILED', message, {
    detail: errno ? { errno } : {},
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}
