import { performance } from 'node:perf_hooks';
import {
  DRIVER_SENSE,
  abortedError,
  closedError,
  validateCommand,
  type ScsiCallOptions,
  type ScsiCommand,
  type ScsiResult,
  type ScsiTransport,
} from '../../server/drivers/scsi/scsi-transport.ts';
import type { ScsiTarget } from './scsi-target.ts';

/**
 * `ScsiTransport` straight into an in-process emulator: one transport is one I_T nexus. The
 * real driver code runs unchanged above it (STYLE §3.2 "seam-level" simulation).
 */
export class EmulatedScsiTransport implements ScsiTransport {
  readonly #target: ScsiTarget;
  readonly #nexus: number;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(target: ScsiTarget) {
    this.#target = target;
    this.#nexus = target.openNexus();
  }

  get nexus(): number {
    return this.#nexus;
  }

  async execute(cmd: ScsiCommand, opts: ScsiCallOptions = {}): Promise<ScsiResult> {
    validateCommand(cmd);
    const run = this.#queue.then(() => this.#run(cmd, opts));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    if (!this.#closed) this.#target.closeNexus(this.#nexus);
    this.#closed = true;
    return Promise.resolve();
  }

  async #run(cmd: ScsiCommand, opts: ScsiCallOptions): Promise<ScsiResult> {
    if (this.#closed) throw closedError();
    if (opts.signal?.aborted) throw abortedError();
    const allocationLength = cmd.direction === 'in' ? (cmd.allocationLength ?? 0) : 0;
    const started = performance.now();
    const res = await this.#target.execute(this.#nexus, {
      cdb: cmd.cdb.slice(),
      direction: cmd.direction,
      dataOut: cmd.dataOut ?? new Uint8Array(0),
      allocationLength,
      timeoutMs: cmd.timeoutMs,
    });
    if (this.#closed) throw closedError();
    const dataIn = (res.dataIn ?? new Uint8Array(0)).slice(0, allocationLength);
    return {
      status: res.status,
      ...(res.sense && res.sense.length > 0 ? { sense: res.sense.slice(0, 252) } : {}),
      dataIn,
      residual: allocationLength - dataIn.length,
      durationMs: Math.round(performance.now() - started),
      hostStatus: res.hostStatus ?? 0,
      driverStatus: res.sense && res.sense.length > 0 ? DRIVER_SENSE : 0,
    };
  }
}
