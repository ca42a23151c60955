import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * Key domains, their KEK versions, the secrets wrapped under them (ARCHITECTURE.md §5), the
 * approvals that gate destruction (invariant 3) and the HSM seals of the audit chain.
 * Wrapped blobs are base64 text so that both dialects store them the same way.
 */
export function keysMigration(dialect: Dialect): Migration {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('key_domains')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('rotation_period_days', 'integer')
        .addColumn('active_kek_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_rotated_at', 'text')
        .execute();

      await db.schema
        .createTable('kek_versions')
        .addColumn('domain_id', 'text', (c) => c.notNull().references('key_domains.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('hsm_label', 'text', (c) => c.notNull().unique())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('deactivated_at', 'text')
        .addColumn('destroyed_at', 'text')
        .addPrimaryKeyConstraint('kek_versions_pk', ['domain_id', 'version'])
        .execute();

      await db.schema
        .createTable('managed_secrets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('domain_id', 'text', (c) => c.notNull().references('key_domains.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('wrapped', 'text')
        .addColumn('wrap_alg', 'text', (c) => c.notNull())
        .addColumn('kek_version', 'integer', (c) => c.notNull())
        .addColumn('kcv', 'text', (c) => c.notNull())
        .addColumn('owner_ref', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('state_changed_at', 'text', (c) => c.notNull())
        .addColumn('activated_at', 'text')
        .addColumn('suspended_at', 'text')
        .addColumn('deactivated_at', 'text')
        .addColumn('compromised_at', 'text')
        .addColumn('destroyed_at', 'text')
        .execute();
      await db.schema
        .createIndex('managed_secrets_domain_kek_idx')
        .on('managed_secrets')
        .columns(['domain_id', 'kek_version', 'id'])
        .execute();
      await db.schema
        .createIndex('managed_secrets_owner_idx')
        .on('managed_secrets')
        .column('owner_ref')
        .execute();

      await db.schema
        .createTable('approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('decision_note', 'text')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('executed_at', 'text')
        .execute();
      await db.schema
        .createIndex('approvals_state_idx')
        .on('approvals')
        .columns(['state', 'requested_at'])
        .execute();

      await db.schema
        .createTable('audit_seals')
        .addColumn('seq', bigint, (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('mac', 'text', (c) => c.notNull())
        .addColumn('key_label', 'text', (c) => c.notNull())
        .addColumn('sealed_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
