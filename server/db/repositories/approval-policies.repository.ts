import type { Kysely, Selectable } from 'kysely';
import type { ApprovalPolicyRecord, ApprovalPolicyRepository } from '../../domain/key-repositories.ts';
import type { ApprovalPoliciesTable, DatabaseSchema } from '../schema.ts';

function toRecord(row: Selectable<ApprovalPoliciesTable>): ApprovalPolicyRecord {
  return {
    action: row.action,
    approvers: row.approvers,
    expiryHours: row.expiry_hours,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

export class KyselyApprovalPolicyRepository implements ApprovalPolicyRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async list() {
    return (await this.db.selectFrom('approval_policies').selectAll().orderBy('action').execute()).map(
      toRecord,
    );
  }

  async find(action: string) {
    const row = await this.db
      .selectFrom('approval_policies')
      .selectAll()
      .where('action', '=', action)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async upsert(p: ApprovalPolicyRecord) {
    const values = {
      approvers: p.approvers,
      expiry_hours: p.expiryHours,
      updated_by: p.updatedBy,
      updated_at: p.updatedAt,
    };
    await this.db
      .insertInto('approval_policies')
      .values({ action: p.action, ...values })
      .onConflict((oc) => oc.column('action').doUpdateSet(values))
      .execute();
  }
}
