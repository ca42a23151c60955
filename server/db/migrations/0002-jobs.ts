import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** Durable jobs (ARCHITECTURE.md invariant 5): bulk enrollment, rotation, erase, unlock-all. */
export function jobsMigration(dialect: Dialect): Migration {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('done', bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('total', bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('failed_items', bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('run_after', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('heartbeat_at', 'text')
        .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('jobs_runnable_idx').on('jobs').columns(['state', 'run_after']).execute();
    },
  };
}
