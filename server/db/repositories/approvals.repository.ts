import type { Kysely, Selectable, Updateable } from 'kysely';
import type {
  ApprovalRecord,
  ApprovalRepository,
  ApprovalState,
  ApprovalVote,
} from '../../domain/key-repositories.ts';
import type { ApprovalsTable, DatabaseSchema } from '../schema.ts';

function toRecord(row: Selectable<ApprovalsTable>): ApprovalRecord {
  return {
    id: row.id,
    action: row.action,
    target: row.target,
    params: JSON.parse(row.params) as Record<string, unknown>,
    state: row.state as ApprovalState,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    reason: row.reason,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    expiresAt: row.expires_at,
    executedAt: row.executed_at,
    consumedAt: row.consumed_at,
    requiredApprovers: row.required_approvers,
    validHours: row.valid_hours,
  };
}

export class KyselyApprovalRepository implements ApprovalRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(a: ApprovalRecord) {
    await this.db
      .insertInto('approvals')
      .values({
        id: a.id,
        action: a.action,
        target: a.target,
        params: JSON.stringify(a.params),
        state: a.state,
        requested_by: a.requestedBy,
        requested_at: a.requestedAt,
        reason: a.reason,
        decided_by: a.decidedBy,
        decided_at: a.decidedAt,
        decision_note: a.decisionNote,
        expires_at: a.expiresAt,
        executed_at: a.executedAt,
        consumed_at: a.consumedAt,
        required_approvers: a.requiredApprovers,
        valid_hours: a.validHours,
      })
      .execute();
  }

  async find(id: string) {
    const row = await this.db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(opts: { states?: ApprovalState[]; limit: number }) {
    let query = this.db.selectFrom('approvals').selectAll().orderBy('requested_at', 'desc').limit(opts.limit);
    if (opts.states?.length) query = query.where('state', 'in', opts.states);
    return (await query.execute()).map(toRecord);
  }

  async consume(id: string, at: string) {
    const result = await this.db
      .updateTable('approvals')
      .set({ consumed_at: at })
      .where('id', '=', id)
      .where('state', '=', 'executed')
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async transition(id: string, from: ApprovalState, patch: Partial<ApprovalRecord>) {
    const values: Updateable<ApprovalsTable> = {};
    if (patch.state !== undefined) values.state = patch.state;
    if (patch.decidedBy !== undefined) values.decided_by = patch.decidedBy;
    if (patch.decidedAt !== undefined) values.decided_at = patch.decidedAt;
    if (patch.decisionNote !== undefined) values.decision_note = patch.decisionNote;
    if (patch.executedAt !== undefined) values.executed_at = patch.executedAt;
    const result = await this.db
      .updateTable('approvals')
      .set(values)
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async vote(v: ApprovalVote) {
    // A no-op update takes the row lock (PostgreSQL) or the write lock (SQLite), so concurrent
    // voters count one after the other and exactly one of them sees the final vote.
    const touched = await this.db
      .updateTable('approvals')
      .set((eb) => ({ state: eb.ref('state') }))
      .where('id', '=', v.approvalId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (Number(touched.numUpdatedRows) !== 1) return undefined;
    await this.db
      .insertInto('approval_votes')
      .values({ approval_id: v.approvalId, approver: v.approver, voted_at: v.votedAt, note: v.note })
      .onConflict((oc) => oc.columns(['approval_id', 'approver']).doNothing())
      .execute();
    const { n } = await this.db
      .selectFrom('approval_votes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('approval_id', '=', v.approvalId)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async votes(approvalIds: string[]) {
    if (approvalIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('approval_votes')
      .selectAll()
      .where('approval_id', 'in', approvalIds)
      .orderBy('voted_at')
      .execute();
    return rows.map((r) => ({
      approvalId: r.approval_id,
      approver: r.approver,
      votedAt: r.voted_at,
      note: r.note,
    }));
  }
}
