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
import { yieldToEventLoop } from '../yield.ts';

/** Rows per INSERT (10 columns each, well under SQLite's 32,766 parameters); see managed-secrets. */
const INSERT_CHUNK = 250;

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
    const [record] = await this.appendMany([entry], at);
    return record as AuditRecord;
  }

  async appendMany(entries: AuditEntry[], at: string): Promise<AuditRecord[]> {
    if (entries.length === 0) return [];
    if (!this.inTransaction) {
      return this.db
        .transaction()
        .execute((trx) => new KyselyAuditRepository(trx, this.dialect, true).appendMany(entries, at));
    }
    let headQuery = this.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    if (this.dialect === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    let prevHash = head.hash;
    const records: AuditRecord[] = [];
    for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
      const chunk = entries.slice(i, i + INSERT_CHUNK).map((entry) => {
        seq += 1;
        const hash = auditRecordHash(prevHash, seq, at, entry);
        const record = { ...entry, seq, at, prevHash, hash };
        prevHash = hash;
        return record;
      });
      records.push(...chunk);
      if (i > 0) await yieldToEventLoop();
      await this.db
        .insertInto('audit_events')
        .values(
          chunk.map((r) => ({
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            request_id: r.requestId,
            details: JSON.stringify(r.details),
            prev_hash: r.prevHash,
            hash: r.hash,
          })),
        )
        .execute();
    }
    await this.db.updateTable('audit_head').set({ seq, hash: prevHash }).where('id', '=', 1).execute();
    return records;
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const row = await this.db
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { seq: Number(row.seq), hash: row.hash };
  }

  async list(opts: AuditListOptions): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(opts.limit);
    if (opts.beforeSeq !== undefined) query = query.where('seq', '<', opts.beforeSeq);
    if (opts.action !== undefined) query = query.where('action', '=', opts.action);
    if (opts.actor !== undefined) query = query.where('actor', '=', opts.actor);
    if (opts.target !== undefined) query = query.where('target', '=', opts.target);
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
