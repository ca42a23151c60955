import type { Kysely, Migration } from 'kysely';

/** One-time grants (break-glass reveals) are approvals that may be used once: record when. */
export function approvalConsumedMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('approvals').addColumn('consumed_at', 'text').execute();
    },
  };
}
