import { constants } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DriverError } from '../core/driver-error.ts';
import type { SgIoExec, SgIoReply, SgIoWorkerInit } from './sg-io-protocol.ts';
import {
  abortedError,
  closedError,
  validateCommand,
  type ScsiCallOptions,
  type ScsiCommand,
  type ScsiResult,
  type ScsiTransport,
} from './scsi-transport.ts';

export interface SgIoTransportOptions {
  /** `/dev/sgN` (preferred) or `/dev/nstN` (opened O_NONBLOCK). */
  devicePath: string;
  /** mx_sb_len. Default 252. */
  senseBufferSize?: number;
}

/**
 * `ScsiTransport` on Linux SG_IO through koffi, in a worker thread (reference §7.4-7.5). The
 * device is opened on the first command. SPIN/SPOUT, REWIND, READ ELEMENT STATUS and MOVE MEDIUM
 * need CAP_SYS_RAWIO (the kernel's SG_IO opcode filter): without it the ioctl fails with EPERM,
 * reported as `SCSI_TRANSPORT_FAILED` with `detail.errno = 'EPERM'`.
 */
export class SgIoTransport implements ScsiTransport {
  readonly #init: SgIoWorkerInit;
  #worker: Worker | null = null;
  #pending = new Map<number, { resolve(r: SgIoReply): void; reject(e: Error): void }>();
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(opts: SgIoTransportOptions) {
    this.#init = { devicePath: opts.devicePath, senseBufferSize: opts.senseBufferSize ?? 252 };
  }

  async execute(cmd: ScsiCommand, opts: ScsiCallOptions = {}): Promise<ScsiResult> {
    validateCommand(cmd);
    if (this.#closed) throw closedError();
    const run = this.#queue.then(() => this.#run(cmd, opts));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = null;
    for (const p of this.#pending.values()) p.reject(closedError());
    this.#pending.clear();
    if (w) {
      w.postMessage({ close: true });
      await w.terminate();
    }
  }

  async #run(cmd: ScsiCommand, opts: ScsiCallOptions): Promise<ScsiResult> {
    if (this.#closed) throw closedError();
    if (opts.signal?.aborted) throw abortedError();
    const id = this.#nextId++;
    const req: SgIoExec = {
      id,
      cdb: cmd.cdb,
      direction: cmd.direction,
      ...(cmd.dataOut ? { dataOut: cmd.dataOut } : {}),
      allocationLength: cmd.direction === 'in' ? (cmd.allocationLength ?? 0) : 0,
      timeoutMs: cmd.timeoutMs,
    };
    const reply = await new Promise<SgIoReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#spawn().postMessage(req);
    });
    if (!reply.ok) throw osError(reply, this.#init.devicePath);
    return {
      status: reply.status,
      ...(reply.sense.length > 0 ? { sense: reply.sense } : {}),
      dataIn: reply.dataIn,
      residual: reply.residual,
      durationMs: reply.durationMs,
      hostStatus: reply.hostStatus,
      driverStatus: reply.driverStatus,
    };
  }

  #spawn(): Worker {
    if (this.#worker) return this.#worker;
    const self = import.meta.url;
    const w = self.endsWith('.ts')
      ? new Worker(new URL('./worker-bootstrap.mjs', self), {
          workerData: { ...this.#init, entry: new URL('./sg-io-worker.ts', self).href },
        })
      : new Worker(new URL('./sg-io-worker.js', self), { workerData: this.#init });
    w.on('message', (r: SgIoReply) => {
      const p = this.#pending.get(r.id);
      this.#pending.delete(r.id);
      p?.resolve(r);
    });
    const fail = (e: unknown) => {
      this.#worker = null;
      const err = new DriverError('SCSI_TRANSPORT_FAILED', 'the SG_IO worker stopped', {
        cause: e,
        retryable: true,
      });
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && fail(new Error(`exit ${code}`)));
    this.#worker = w;
    return w;
  }
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

function osError(r: Extract<SgIoReply, { ok: false }>, path: string): DriverError {
  const errno = ERRNO_NAMES.get(r.errno) ?? (r.errno === 0 ? 'EUNKNOWN' : `errno ${r.errno}`);
  const hint = errno === 'EPERM' ? ' (SPIN/SPOUT and changer commands need CAP_SYS_RAWIO)' : '';
  return new DriverError('SCSI_TRANSPORT_FAILED', `${r.message} on ${path} failed: ${errno}${hint}`, {
    detail: { errno, call: r.call, path },
    retryable: errno === 'EIO' || errno === 'EBUSY' || errno === 'EAGAIN',
  });
}
