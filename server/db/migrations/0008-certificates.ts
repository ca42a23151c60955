import type { Kysely, Migration } from 'kysely';

/** Certificates of sanitization (issue 7): one per erased item, signed by the HSM. */
export function certificatesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('certificates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_ref', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull().unique())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('certificates_item_ref_idx')
        .on('certificates')
        .columns(['item_ref', 'issued_at'])
        .execute();
      await db.schema
        .createIndex('certificates_issued_idx')
        .on('certificates')
        .columns(['issued_at', 'id'])
        .execute();
      await db.schema
        .createIndex('certificates_request_idx')
        .on('certificates')
        .column('request_id')
        .execute();
    },
  };
}
