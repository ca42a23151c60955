import { DriverError } from '../core/driver-error.ts';

/**
 * Serialises a driver's calls (one multi-command operation at a time, FIFO). After `close()`
 * queued calls reject with `SCSI_CLOSED`; the running one finishes its current command.
 */
export class CallQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new DriverError('SCSI_CLOSED'));
    const p = this.#tail.then(() => {
      if (this.#closed) throw new DriverError('SCSI_CLOSED');
      return fn();
    });
    this.#tail = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.#closed = true;
  }
}
