import type { z } from 'zod';
import { AppError, isAppError } from '../../domain/errors.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { JobRecord, Store, TxContext } from '../../domain/repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdGen } from '../../platform/ids.ts';
import type { Logger } from '../../platform/logger.ts';

/** Longest wait before a job retries after a transient failure (HSM or database unavailable). */
const MAX_BACKOFF_MS = 5 * 60_000;

/** Errors after which the job should wait and resume rather than fail: the device may come back. */
function isTransient(err: unknown): boolean {
  return isAppError(err) && (err.code === 'HSM_UNAVAILABLE' || err.code === 'SERVICE_UNAVAILABLE');
}

/** What a job handler gets: its params, where it left off, a cancel signal and a progress call. */
export interface JobContext<P> {
  job: JobRecord;
  params: P;
  /** The cursor saved by the last `progress` call, or null on a fresh start. */
  cursor: Record<string, unknown> | null;
  /** Aborted on cancel and on shutdown; handlers stop at the next item boundary. */
  signal: AbortSignal;
  /**
   * Saves progress and the resume cursor durably, then publishes `job:progress`. Call it after
   * each committed batch: a crash resumes from the last saved cursor, so every item must be
   * idempotent. Throws if another instance has taken the job over.
   */
  progress(p: {
    done: number;
    total: number;
    failedItems?: number;
    cursor?: Record<string, unknown> | null;
  }): Promise<void>;
}

export interface JobHandler<P> {
  kind: string;
  paramsSchema: z.ZodType<P>;
  run(ctx: JobContext<P>): Promise<void>;
}

export interface JobRunnerOptions {
  store: Store;
  events: DomainEvents;
  clock: Clock;
  ids: IdGen;
  logger: Logger;
  /** Identifies this console instance as a job owner. */
  instanceId: string;
  pollMs?: number;
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is taken over (its instance died). */
  staleAfterMs?: number;
  concurrency?: number;
  /** First retry delay after a transient failure; doubles per attempt up to 5 minutes. */
  retryBaseMs?: number;
  /** SQLite is single-instance: every running job at start-up is an orphan of a crash. */
  reclaimAllOnStart?: boolean;
}

/** Runs durable jobs (invariant 5): claimed from the database, resumable, cancellable. */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private startedAt = '';
  private polling = false;

  constructor(private readonly o: JobRunnerOptions) {}

  register<P>(handler: JobHandler<P>): void {
    this.handlers.set(handler.kind, handler);
  }

  /** Queues a job inside the caller's transaction (the caller writes the audit record). */
  async enqueue(
    tx: TxContext,
    req: {
      kind: string;
      params: Record<string, unknown>;
      actor: string;
      runAfter?: string;
      total?: number;
      id?: string;
    },
  ): Promise<JobRecord> {
    const handler = this.handlers.get(req.kind);
    if (!handler) throw new Error(`no job handler for ${req.kind}`);
    handler.paramsSchema.parse(req.params);
    const now = this.o.clock.now().toISOString();
    const job: JobRecord = {
      id: req.id ?? this.o.ids.uuid(),
      kind: req.kind,
      state: 'queued',
      params: req.params,
      cursor: null,
      done: 0,
      total: req.total ?? 0,
      failedItems: 0,
      errorCode: null,
      errorMessage: null,
      createdBy: req.actor,
      createdAt: now,
      runAfter: req.runAfter ?? now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
      owner: null,
      heartbeatAt: null,
      cancelRequested: false,
      attempts: 0,
    };
    await tx.jobs.insert(job);
    tx.afterCommit(() => {
      this.publish(job);
      this.wake();
    });
    return job;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.startedAt = this.o.clock.now().toISOString();
    this.timer = setInterval(() => this.wake(), this.o.pollMs ?? 1000);
    this.timer.unref();
    this.wake();
  }

  /** Stops claiming, aborts running handlers and waits for them; their jobs resume later. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const { controller } of this.running.values())
      controller.abort(new AppError('SERVICE_UNAVAILABLE', 'shutting down'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Cancels a queued job at once, or asks a running one to stop at its next item. */
  async cancel(id: string): Promise<JobRecord | undefined> {
    const now = this.o.clock.now().toISOString();
    if (!(await this.o.store.jobs.cancelQueued(id, now))) {
      await this.o.store.jobs.requestCancel(id, now);
      this.running.get(id)?.controller.abort(new AppError('VALIDATION_FAILED', 'cancelled'));
    }
    const job = await this.o.store.jobs.find(id);
    if (job) this.publish(job);
    return job;
  }

  wake(): void {
    if (this.stopped || this.polling) return;
    this.polling = true;
    this.fill()
      .catch((err: unknown) => this.o.logger.error({ err }, 'job poll failed'))
      .finally(() => {
        this.polling = false;
      });
  }

  private async fill(): Promise<void> {
    const limit = this.o.concurrency ?? 2;
    while (!this.stopped && this.running.size < limit) {
      const now = this.o.clock.now();
      const staleMs = this.o.staleAfterMs ?? 30_000;
      const staleBefore = this.o.reclaimAllOnStart
        ? this.startedAt
        : new Date(now.getTime() - staleMs).toISOString();
      const job = await this.o.store.jobs.claim(this.o.instanceId, now.toISOString(), staleBefore, [
        ...this.handlers.keys(),
      ]);
      if (!job) return;
      const controller = new AbortController();
      const done = this.execute(job, controller).finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
      this.running.set(job.id, { controller, done });
    }
  }

  private async execute(job: JobRecord, controller: AbortController): Promise<void> {
    const handler = this.handlers.get(job.kind) as JobHandler<unknown>;
    const owner = this.o.instanceId;
    const store = this.o.store;
    const beat = setInterval(() => {
      const at = this.o.clock.now().toISOString();
      void store.jobs.heartbeat(job.id, owner, at).catch(() => undefined);
    }, this.o.heartbeatMs ?? 5000);
    beat.unref();
    let current = { ...job, state: 'running' as const };
    this.publish(current);
    try {
      if (job.cancelRequested) throw new AppError('VALIDATION_FAILED', 'cancelled');
      const ctx: JobContext<unknown> = {
        job,
        params: handler.paramsSchema.parse(job.params),
        cursor: job.cursor,
        signal: controller.signal,
        progress: async (p) => {
          const at = this.o.clock.now().toISOString();
          const patch = {
            done: p.done,
            total: p.total,
            failedItems: p.failedItems ?? 0,
            cursor: p.cursor ?? null,
            at,
          };
          if (!(await store.jobs.saveProgress(job.id, owner, patch))) {
            throw new AppError('SERVICE_UNAVAILABLE', 'job was taken over by another instance');
          }
          current = { ...current, ...patch };
          this.publish(current);
        },
      };
      await handler.run(ctx);
      await this.finish(current, 'succeeded', null);
    } catch (err) {
      const fresh = await store.jobs.find(job.id);
      if (fresh?.cancelRequested) {
        await this.finish(current, 'cancelled', null);
      } else if (isTransient(err) && !this.stopped) {
        const delayMs = Math.min(
          MAX_BACKOFF_MS,
          (this.o.retryBaseMs ?? 1000) * 2 ** Math.min(job.attempts, 12),
        );
        const at = this.o.clock.now();
        const appErr = err as AppError;
        this.o.logger.warn({ err, jobId: job.id, delayMs }, 'job hit a transient error; it will resume');
        await store.jobs.requeue(job.id, owner, {
          runAfter: new Date(at.getTime() + delayMs).toISOString(),
          errorCode: appErr.code,
          errorMessage: appErr.message,
          at: at.toISOString(),
        });
        this.publish({ ...current, state: 'queued' });
      } else if (this.stopped) {
        // Shutdown: leave it running without an owner heartbeat; it resumes on the next start.
        this.o.logger.info({ jobId: job.id }, 'job interrupted by shutdown; it will resume');
      } else {
        this.o.logger.error({ err, jobId: job.id, kind: job.kind }, 'job failed');
        await this.finish(current, 'failed', err);
      }
    } finally {
      clearInterval(beat);
    }
  }

  private async finish(
    job: JobRecord,
    state: 'succeeded' | 'failed' | 'cancelled',
    err: unknown,
  ): Promise<void> {
    const at = this.o.clock.now().toISOString();
    const errorCode = err === null ? null : isAppError(err) ? err.code : 'INTERNAL_ERROR';
    const errorMessage =
      err === null ? null : isAppError(err) ? err.message : 'the job failed; see the server log';
    await this.o.store.jobs.finish(job.id, this.o.instanceId, { state, errorCode, errorMessage, at });
    this.publish({ ...job, state, errorCode, errorMessage, finishedAt: at });
  }

  private publish(job: JobRecord): void {
    this.o.events.emit('job:progress', {
      id: job.id,
      kind: job.kind,
      done: job.done,
      total: job.total,
      failedItems: job.failedItems,
      state: job.state,
      errorCode: job.errorCode,
      errorMessage: job.errorMessage,
      finishedAt: job.finishedAt,
    });
  }
}
