import type { Kysely, Migration } from 'kysely';

/**
 * Self-encrypting drives under (or awaiting) management. Credentials are never here: the
 * drive row names the managed secrets (wrapped in the HSM's KEK) that hold its SID and Admin1
 * passwords, plus the pending ones during enrollment and rotation (two-phase, crash-safe).
 */
export function sedDrivesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sed_drives')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('serial', 'text', (c) => c.notNull().unique())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('device_path', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('firmware', 'text', (c) => c.notNull())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('ssc', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('step', 'text')
        .addColumn('password_scheme', 'text', (c) => c.notNull())
        .addColumn('sid_secret_id', 'text')
        .addColumn('admin1_secret_id', 'text')
        .addColumn('pending_sid_secret_id', 'text')
        .addColumn('pending_admin1_secret_id', 'text')
        .addColumn('last_error', 'text')
        .addColumn('last_seen_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sed_drives_host_idx')
        .on('sed_drives')
        .columns(['host', 'device_path'])
        .execute();
      await db.schema.createIndex('sed_drives_state_idx').on('sed_drives').column('state').execute();
    },
  };
}
