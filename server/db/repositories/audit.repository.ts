import type { Kysely, Selectable } from 'kysely';
import { auditRecordHash } from '../../domain/audit-hash.ts';
import type {
  AuditEntry,
  AuditListOptions,
  AuditRecord,
  AuditRepository,
} from '../../domain/repositories.ts';
import type { Dialect } from '../dialect.ts';
import type { AuditEventsTable, DatabaseSchema } from '../schema.ts';

function toRecord(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditRecord['outcome'],
    requestId: row.request_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The append-only, hash-chained audit log. Appends read and advance the single `audit_head`
 * row under a row lock (PostgreSQL) or the one writer connection (SQLite), so concurrent
 * appends from several console instances still form one unbroken chain.
 */
export class KyselyAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly dialect: Dialect,
    private readonly inTransaction: boolean,
  ) {}

  async append(entry: AuditEntry, at: string): Promise<AuditRecord> {
    if (!this.inTransaction) {
      return this.db
        .transaction()
        .execute((trx) => new KyselyAuditRepository(trx, this.dialect, true).append(entry, at));
    }
    let headQuery = this.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    if (this.dialect === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    const seq = Number(head.seq) + 1;
    const hash = auditRecordHash(head.hash, seq, at, entry);
    await this.db
      .insertInto('audit_events')
      .values({
        seq,
        at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        outcome: entry.outcome,
        request_id: entry.requestId,
        details: JSON.stringify(entry.details),
        prev_hash: head.hash,
        hash,
      })
      .execute();
    await this.db.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
    return { ...entry, seq, at, prevHash: head.hash, hash };
  }

  async list(opts: AuditListOptions): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(opts.limit);
    if (opts.beforeSeq !== undefined) query = query.where('seq', '<', opts.beforeSeq);
    if (opts.action !== undefined) query = query.where('action', '=', opts.action);
    if (opts.actor !== undefined) query = query.where('actor', '=', opts.actor);
    return (await query.execute()).map(toRecord);
  }

  async range(fromSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', fromSeq)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }
}
