import type { Kysely, Migration } from 'kysely';

/**
 * Approval policy (issue 7): admins set, per action, how many distinct approvers a request
 * needs and how long it stays valid. Each approval keeps the policy it was requested under
 * (a later change does not move open requests), and each approver's vote is a row.
 */
export function approvalPolicyMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('approvals')
        .addColumn('required_approvers', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('approvals')
        .addColumn('valid_hours', 'integer', (c) => c.notNull().defaultTo(24))
        .execute();
      await db.schema
        .createTable('approval_votes')
        .addColumn('approval_id', 'text', (c) => c.notNull())
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('voted_at', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('approval_votes_pk', ['approval_id', 'approver'])
        .execute();
      await db.schema
        .createTable('approval_policies')
        .addColumn('action', 'text', (c) => c.primaryKey())
        .addColumn('approvers', 'integer', (c) => c.notNull())
        .addColumn('expiry_hours', 'integer', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
