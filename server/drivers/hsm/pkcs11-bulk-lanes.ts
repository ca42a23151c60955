import { isDriverError } from '../core/driver-error.ts';
import type { HsmCallOptions } from './hsm-driver.ts';
import type { HsmRequest, HsmResults, WorkerCounters } from './pkcs11-protocol.ts';
import type { Pkcs11WorkerClient } from './pkcs11-worker-client.ts';

type GenerateRequest = Extract<HsmRequest, { op: 'generateWrapped' }>;
type GenerateResult = HsmResults['generateWrapped'];

export interface BulkLanesOptions {
  /** Helper processes to run (0 = none). */
  processes: number;
  /** Smaller batches stay on the worker thread: a helper pays a copy over IPC per batch. */
  minBatch: number;
  /** A new helper-process client of the driver's module and token; `onDead` when it stops. */
  spawn: (onDead: () => void) => Pkcs11WorkerClient;
  warn: (obj: object, msg: string) => void;
}

interface Lane {
  client: Pkcs11WorkerClient;
  ready: boolean;
  /** Batches sent and not yet settled. */
  pending: number;
  counters: WorkerCounters;
}

const ZERO: WorkerCounters = { recoveries: 0, reinitializations: 0, objectsSinceInitialize: 0 };
const elapsedSince = (t0: number) => Date.now() - t0;

/**
 * Helper processes for generateWrappedSecrets. SoftHSM serialises PKCS#11 calls inside one
 * process but not across processes (reference §3: two processes 1.9×, two threads < 1×), so a
 * big batch that finds a helper idle runs there while the worker thread takes the next one.
 *
 * A helper is only an accelerator; the worker thread stays authoritative. Helpers start on the
 * first big batch (a CLI that never generates in bulk never spawns one). Each big batch goes
 * wherever the fewest batches wait, the worker thread included. A batch a helper cannot
 * finish for any reason but the caller's timeout or abort (it died, could not log in, or lacks a
 * session-object KEK that only the worker thread has) runs again on the worker thread, whose
 * answer (result or error) is the one returned. A helper that stops is not replaced until the
 * driver is opened again.
 */
export class BulkLanes {
  readonly #lanes: Lane[] = [];
  /** Counters of helpers that stopped, so the sums never go backwards. */
  readonly #retired: WorkerCounters = { ...ZERO };
  #started = false;
  /** Batches on the worker thread that a helper could have taken. */
  #threadPending = 0;
  /** Batches finished by a helper, and batches that fell back to the worker thread. */
  readonly stats = { calls: 0, fallbacks: 0 };

  constructor(private readonly options: BulkLanesOptions) {}

  get ready(): number {
    return this.#lanes.filter((l) => l.ready).length;
  }

  /** Counters of the helpers, from their last batch (added to the worker thread's in getStatus). */
  get counters(): WorkerCounters {
    const sum = { ...this.#retired };
    for (const { counters } of this.#lanes) {
      sum.recoveries += counters.recoveries;
      sum.reinitializations += counters.reinitializations;
      sum.objectsSinceInitialize += counters.objectsSinceInitialize;
    }
    return sum;
  }

  async generate(
    request: GenerateRequest,
    opts: HsmCallOptions | undefined,
    onWorkerThread: (opts: HsmCallOptions | undefined) => Promise<GenerateResult>,
  ): Promise<GenerateResult> {
    const lane = this.#pick(request.count);
    if (lane === undefined) return onWorkerThread(opts);
    if (lane === 'thread') {
      this.#threadPending++;
      try {
        return await onWorkerThread(opts);
      } finally {
        this.#threadPending--;
      }
    }
    const t0 = Date.now();
    lane.pending++;
    try {
      const result = await lane.client.call(request, opts);
      lane.counters = result.counters;
      this.stats.calls++;
      return result;
    } catch (err) {
      if (isDriverError(err) && (err.code === 'HSM_ABORTED' || err.code === 'HSM_TIMEOUT')) throw err;
      this.stats.fallbacks++;
      const timeoutMs =
        opts?.timeoutMs === undefined ? undefined : Math.max(0, opts.timeoutMs - elapsedSince(t0));
      return onWorkerThread(opts && { ...opts, ...(timeoutMs !== undefined && { timeoutMs }) });
    } finally {
      lane.pending--;
    }
  }

  /** Starts the helpers now instead of at the first bulk batch (they take a second to log in). */
  warmUp(): void {
    if (this.#started || this.options.processes <= 0) return;
    this.#started = true;
    for (let i = 0; i < this.options.processes; i++) this.#start();
  }

  async close(): Promise<void> {
    const lanes = this.#lanes.splice(0);
    this.#started = false;
    await Promise.all(lanes.map((l) => l.client.close()));
  }

  /** undefined: not a bulk batch; 'thread': a bulk batch the worker thread takes. */
  #pick(count: number): Lane | 'thread' | undefined {
    if (count < this.options.minBatch || this.options.processes <= 0) return undefined;
    this.warmUp();
    let best: Lane | 'thread' = 'thread';
    let least = this.#threadPending;
    for (const lane of this.#lanes)
      if (lane.ready && lane.client.isAlive && lane.pending < least) {
        best = lane;
        least = lane.pending;
      }
    return best;
  }

  #start(): void {
    const notStarted = (code: string) =>
      this.options.warn({ code }, 'HSM helper process did not start; bulk batches stay on the worker thread');
    let lane: Lane;
    try {
      lane = {
        client: this.options.spawn(() => this.#drop(lane, 'HSM helper process stopped')),
        ready: false,
        pending: 0,
        counters: { ...ZERO },
      };
    } catch (err) {
      return notStarted(err instanceof Error ? err.name : 'unknown');
    }
    this.#lanes.push(lane);
    lane.client.call({ op: 'open' }, { timeoutMs: 30_000 }).then(
      () => (lane.ready = true),
      (err: unknown) => {
        notStarted(isDriverError(err) ? err.code : 'unknown');
        this.#drop(lane);
        void lane.client.close();
      },
    );
  }

  #drop(lane: Lane, warning?: string): void {
    const i = this.#lanes.indexOf(lane);
    if (i < 0) return;
    this.#lanes.splice(i, 1);
    this.#retired.recoveries += lane.counters.recoveries;
    this.#retired.reinitializations += lane.counters.reinitializations;
    if (warning) this.options.warn({}, warning);
  }
}
