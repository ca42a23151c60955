import { DriverError } from '../core/driver-error.ts';

/**
 * Per-drive serialisation with a global cap (ARCHITECTURE.md §3): Opal allows one session at a
 * time, so work on one drive runs in FIFO order; different drives run in parallel, at most
 * `limit` at once (each is a process, and "unlock all" may ask for hundreds).
 */
export class DriveQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  #closed = false;

  constructor(private readonly limit: number) {}

  /** Runs `fn` when the drive `key` is free and a slot is open. `signal` drops a waiting call. */
  run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#closed) return Promise.reject(new DriverError('SED_CLOSED'));
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = (async () => {
      await abortable(previous, signal);
      await this.#slot(signal);
      try {
        return await fn();
      } finally {
        this.#release();
      }
    })();
    // The next call on this drive waits for this one AND everything before it, even when this
    // one was dropped early (aborted while waiting).
    const tail = Promise.allSettled([previous, result]).then(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Rejects everything not yet running with SED_CLOSED; resolves when the running calls end. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const start of this.#waiting.splice(0)) start();
    await Promise.all([...this.#tails.values()]);
  }

  #slot(signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new DriverError('SED_CLOSED'));
    if (signal?.aborted) return Promise.reject(new DriverError('SED_ABORTED'));
    if (this.#running < this.limit) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.#waiting.indexOf(start);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(new DriverError('SED_ABORTED'));
      };
      const start = () => {
        signal?.removeEventListener('abort', onAbort);
        if (this.#closed) return reject(new DriverError('SED_CLOSED'));
        this.#running++;
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(start);
    });
  }

  #release(): void {
    this.#running--;
    this.#waiting.shift()?.();
  }
}

/** Waits for `p` (whose outcome does not matter) unless `signal` fires first. */
function abortable(p: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  const settled = p.then(
    () => undefined,
    () => undefined,
  );
  if (!signal) return settled;
  if (signal.aborted) return Promise.reject(new DriverError('SED_ABORTED'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new DriverError('SED_ABORTED'));
    signal.addEventListener('abort', onAbort, { once: true });
    void settled.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
