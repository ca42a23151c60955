import type { Kysely, Selectable } from 'kysely';
import type { JobRecord, JobRepository, JobState } from '../../domain/repositories.ts';
import type { Dialect } from '../dialect.ts';
import type { DatabaseSchema, JobsTable } from '../schema.ts';

function toRecord(row: Selectable<JobsTable>): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state as JobState,
    params: JSON.parse(row.params) as Record<string, unknown>,
    cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as Record<string, unknown>),
    done: Number(row.done),
    total: Number(row.total),
    failedItems: Number(row.failed_items),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdBy: row.created_by,
    createdAt: row.created_at,
    runAfter: row.run_after,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    owner: row.owner,
    heartbeatAt: row.heartbeat_at,
    cancelRequested: row.cancel_requested === 1,
    attempts: row.attempts,
  };
}

/**
 * Durable jobs. `claim` is the only way a job starts: on PostgreSQL it takes the row with
 * FOR UPDATE SKIP LOCKED so that several console instances never run the same job; on SQLite
 * the single writer connection gives the same guarantee.
 */
export class KyselyJobRepository implements JobRepository {
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly dialect: Dialect,
  ) {}

  async insert(job: JobRecord) {
    await this.db
      .insertInto('jobs')
      .values({
        id: job.id,
        kind: job.kind,
        state: job.state,
        params: JSON.stringify(job.params),
        cursor: job.cursor === null ? null : JSON.stringify(job.cursor),
        done: job.done,
        total: job.total,
        failed_items: job.failedItems,
        error_code: job.errorCode,
        error_message: job.errorMessage,
        created_by: job.createdBy,
        created_at: job.createdAt,
        run_after: job.runAfter,
        started_at: job.startedAt,
        finished_at: job.finishedAt,
        updated_at: job.updatedAt,
        owner: job.owner,
        heartbeat_at: job.heartbeatAt,
        cancel_requested: job.cancelRequested ? 1 : 0,
        attempts: job.attempts,
      })
      .execute();
  }

  async find(id: string) {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(opts: { limit: number; kind?: string | undefined; states?: JobState[] | undefined }) {
    let query = this.db.selectFrom('jobs').selectAll().orderBy('created_at', 'desc').limit(opts.limit);
    if (opts.kind !== undefined) query = query.where('kind', '=', opts.kind);
    if (opts.states?.length) query = query.where('state', 'in', opts.states);
    return (await query.execute()).map(toRecord);
  }

  async claim(owner: string, now: string, staleBefore: string, kinds: string[]) {
    if (kinds.length === 0) return undefined;
    return this.db.transaction().execute(async (trx) => {
      let pick = trx
        .selectFrom('jobs')
        .select('id')
        .where('kind', 'in', kinds)
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
            eb.and([eb('state', '=', 'running'), eb('heartbeat_at', '<', staleBefore)]),
          ]),
        )
        .orderBy('run_after')
        .orderBy('created_at')
        .limit(1);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const row = await pick.executeTakeFirst();
      if (!row) return undefined;
      await trx
        .updateTable('jobs')
        .set((eb) => ({
          state: 'running',
          owner,
          heartbeat_at: now,
          updated_at: now,
          started_at: eb.fn.coalesce('started_at', eb.val(now)),
        }))
        .where('id', '=', row.id)
        .execute();
      const claimed = await trx
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      return toRecord(claimed);
    });
  }

  async saveProgress(
    id: string,
    owner: string,
    p: {
      done: number;
      total: number;
      failedItems: number;
      cursor: Record<string, unknown> | null;
      at: string;
    },
  ) {
    const result = await this.db
      .updateTable('jobs')
      .set({
        done: p.done,
        total: p.total,
        failed_items: p.failedItems,
        cursor: p.cursor === null ? null : JSON.stringify(p.cursor),
        heartbeat_at: p.at,
        updated_at: p.at,
      })
      .where('id', '=', id)
      .where('owner', '=', owner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async heartbeat(id: string, owner: string, at: string) {
    const result = await this.db
      .updateTable('jobs')
      .set({ heartbeat_at: at })
      .where('id', '=', id)
      .where('owner', '=', owner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async finish(
    id: string,
    owner: string,
    p: {
      state: 'succeeded' | 'failed' | 'cancelled';
      errorCode: string | null;
      errorMessage: string | null;
      at: string;
    },
  ) {
    const result = await this.db
      .updateTable('jobs')
      .set({
        state: p.state,
        error_code: p.errorCode,
        error_message: p.errorMessage,
        finished_at: p.at,
        updated_at: p.at,
      })
      .where('id', '=', id)
      .where('owner', '=', owner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async requeue(
    id: string,
    owner: string,
    p: { runAfter: string; errorCode: string; errorMessage: string; at: string },
  ) {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'queued',
        owner: null,
        heartbeat_at: null,
        run_after: p.runAfter,
        error_code: p.errorCode,
        error_message: p.errorMessage,
        updated_at: p.at,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .where('owner', '=', owner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async requestCancel(id: string, at: string) {
    await this.db
      .updateTable('jobs')
      .set({ cancel_requested: 1, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async cancelQueued(id: string, at: string) {
    const result = await this.db
      .updateTable('jobs')
      .set({ state: 'cancelled', cancel_requested: 1, finished_at: at, updated_at: at })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
