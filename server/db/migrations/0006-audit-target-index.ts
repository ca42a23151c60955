import type { Kysely, Migration } from 'kysely';

/** A device's or a key's history is the audit trail filtered by target. */
export function auditTargetIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('audit_events_target_idx')
        .on('audit_events')
        .columns(['target', 'seq'])
        .execute();
    },
  };
}
