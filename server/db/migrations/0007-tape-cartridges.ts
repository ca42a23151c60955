import type { Kysely, Migration } from 'kysely';

/** Tape libraries, pools, data-key references and cartridges (issue 6). */
export function tapeCartridgesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('tape_libraries')
        .addColumn('serial', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_domain_id', 'text', (c) => c.notNull())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('product', 'text', (c) => c.notNull())
        .addColumn('auto_enroll_imports', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tape_pools')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('library_serial', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('volser_from', 'text', (c) => c.notNull())
        .addColumn('volser_to', 'text', (c) => c.notNull())
        .addColumn('media_id', 'text')
        .addColumn('key_policy', 'text', (c) => c.notNull())
        .addColumn('key_period_days', 'integer')
        .addColumn('current_key_ref', 'text')
        .addColumn('current_key_until', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('tape_pools_library_name_uq', ['library_serial', 'name'])
        .execute();
      await db.schema
        .createTable('tape_keys')
        .addColumn('key_ref', 'text', (c) => c.primaryKey())
        .addColumn('secret_id', 'text', (c) => c.notNull().unique())
        .addColumn('library_serial', 'text', (c) => c.notNull())
        .addColumn('pool_id', 'text')
        .addColumn('barcode', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tape_cartridges')
        .addColumn('barcode', 'text', (c) => c.primaryKey())
        .addColumn('library_serial', 'text', (c) => c.notNull())
        .addColumn('pool_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('key_ref', 'text', (c) => c.notNull())
        .addColumn('enrolled_at', 'text', (c) => c.notNull())
        .addColumn('last_mounted_at', 'text')
        .addColumn('last_verified_at', 'text')
        .addColumn('verify_result', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('tape_cartridges_library_idx')
        .on('tape_cartridges')
        .columns(['library_serial', 'state'])
        .execute();
      await db.schema
        .createIndex('tape_cartridges_pool_idx')
        .on('tape_cartridges')
        .column('pool_id')
        .execute();
    },
  };
}
