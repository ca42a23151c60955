import type { Kysely, Selectable } from 'kysely';
import type { EraseSchedule } from '../../../shared/schemas/erase.ts';
import type {
  EraseItemRecord,
  EraseItemState,
  EraseRepository,
  EraseRequestRecord,
  EraseRequestState,
} from '../../domain/erase-repositories.ts';
import type { DatabaseSchema, EraseItemsTable, EraseRequestsTable } from '../schema.ts';

const INSERT_CHUNK = 500;

function toRequest(r: Selectable<EraseRequestsTable>): EraseRequestRecord {
  return {
    id: r.id,
    method: r.method as EraseRequestRecord['method'],
    range: r.range_no,
    reason: r.reason,
    schedule: JSON.parse(r.schedule) as EraseSchedule,
    state: r.state as EraseRequestState,
    requestedBy: r.requested_by,
    approvalId: r.approval_id,
    approvedBy: r.approved_by,
    runAt: r.run_at,
    jobId: r.job_id,
    itemCount: r.item_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function requestRow(p: Partial<EraseRequestRecord>): Partial<EraseRequestsTable> {
  const row: Partial<EraseRequestsTable> = {};
  if (p.id !== undefined) row.id = p.id;
  if (p.method !== undefined) row.method = p.method;
  if (p.range !== undefined) row.range_no = p.range;
  if (p.reason !== undefined) row.reason = p.reason;
  if (p.schedule !== undefined) row.schedule = JSON.stringify(p.schedule);
  if (p.state !== undefined) row.state = p.state;
  if (p.requestedBy !== undefined) row.requested_by = p.requestedBy;
  if (p.approvalId !== undefined) row.approval_id = p.approvalId;
  if (p.approvedBy !== undefined) row.approved_by = p.approvedBy;
  if (p.runAt !== undefined) row.run_at = p.runAt;
  if (p.jobId !== undefined) row.job_id = p.jobId;
  if (p.itemCount !== undefined) row.item_count = p.itemCount;
  if (p.createdAt !== undefined) row.created_at = p.createdAt;
  if (p.updatedAt !== undefined) row.updated_at = p.updatedAt;
  return row;
}

function toItem(r: Selectable<EraseItemsTable>): EraseItemRecord {
  return {
    id: r.id,
    requestId: r.request_id,
    seq: r.seq,
    itemRef: r.item_ref,
    identity: r.identity,
    description: r.description,
    state: r.state as EraseItemState,
    result: r.result,
    certificateId: r.certificate_id,
    updatedAt: r.updated_at,
  };
}

export class KyselyEraseRepository implements EraseRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insertRequest(r: EraseRequestRecord, items: EraseItemRecord[]) {
    await this.db
      .insertInto('erase_requests')
      .values(requestRow(r) as EraseRequestsTable)
      .execute();
    for (let i = 0; i < items.length; i += INSERT_CHUNK) {
      await this.db
        .insertInto('erase_items')
        .values(
          items.slice(i, i + INSERT_CHUNK).map((x) => ({
            id: x.id,
            request_id: x.requestId,
            seq: x.seq,
            item_ref: x.itemRef,
            identity: x.identity,
            description: x.description,
            state: x.state,
            result: x.result,
            certificate_id: x.certificateId,
            updated_at: x.updatedAt,
          })),
        )
        .execute();
    }
  }

  async findRequest(id: string) {
    const r = await this.db.selectFrom('erase_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRequest(r);
  }

  async findByApproval(approvalId: string) {
    const r = await this.db
      .selectFrom('erase_requests')
      .selectAll()
      .where('approval_id', '=', approvalId)
      .executeTakeFirst();
    return r && toRequest(r);
  }

  async listRequests(opts: { limit: number; states?: EraseRequestState[] | undefined }) {
    let q = this.db.selectFrom('erase_requests').selectAll();
    if (opts.states?.length) q = q.where('state', 'in', opts.states);
    const rows = await q.orderBy('created_at', 'desc').limit(opts.limit).execute();
    return rows.map(toRequest);
  }

  async updateRequest(id: string, patch: Partial<Omit<EraseRequestRecord, 'id'>>) {
    await this.db.updateTable('erase_requests').set(requestRow(patch)).where('id', '=', id).execute();
  }

  async items(requestId: string) {
    const rows = await this.db
      .selectFrom('erase_items')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('seq')
      .execute();
    return rows.map(toItem);
  }

  async updateItem(
    id: string,
    patch: Partial<Pick<EraseItemRecord, 'state' | 'result' | 'certificateId' | 'updatedAt'>>,
  ) {
    const row: Partial<EraseItemsTable> = {};
    if (patch.state !== undefined) row.state = patch.state;
    if (patch.result !== undefined) row.result = patch.result;
    if (patch.certificateId !== undefined) row.certificate_id = patch.certificateId;
    if (patch.updatedAt !== undefined) row.updated_at = patch.updatedAt;
    await this.db.updateTable('erase_items').set(row).where('id', '=', id).execute();
  }

  async claimItem(id: string, from: EraseItemState, to: EraseItemState, updatedAt: string) {
    const result = await this.db
      .updateTable('erase_items')
      .set({ state: to, updated_at: updatedAt })
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
