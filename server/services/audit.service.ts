import type { AuditEvent, AuditPage, AuditQuery } from '../../shared/schemas/audit.ts';
import type { Clock } from '../platform/clock.ts';
import type { DomainEvents } from '../domain/events.ts';
import type { AuditEntry, AuditRecord, Repositories, TxContext } from '../domain/repositories.ts';

export function toAuditEvent(record: AuditRecord): AuditEvent {
  return {
    seq: record.seq,
    at: record.at,
    actor: record.actor,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    requestId: record.requestId,
    details: record.details,
    hash: record.hash,
  };
}

/**
 * The audit trail. `record` must be called with the transaction of the change it describes
 * (invariant 4), and publishes the event only after that transaction commits.
 */
export class AuditService {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async record(tx: TxContext, entry: AuditEntry): Promise<AuditRecord> {
    const record = await tx.audit.append(entry, this.clock.now().toISOString());
    tx.afterCommit(() => this.events.emit('audit:appended', toAuditEvent(record)));
    return record;
  }

  /** The bulk form of `record`: one chain extension for many records (same transaction rule). */
  async recordMany(tx: TxContext, entries: AuditEntry[]): Promise<AuditRecord[]> {
    const records = await tx.audit.appendMany(entries, this.clock.now().toISOString());
    tx.afterCommit(() => {
      // Bulk paths append thousands: build the events only when someone listens.
      if (this.events.listenerCount('audit:appended') === 0) return;
      for (const record of records) this.events.emit('audit:appended', toAuditEvent(record));
    });
    return records;
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const records = await this.repos.audit.list({
      beforeSeq: query.beforeSeq,
      limit: query.limit,
      action: query.action,
      actor: query.actor,
      target: query.target,
    });
    const last = records.at(-1);
    // Sequence numbers start at 1: a page ending there has nothing older.
    return {
      events: records.map(toAuditEvent),
      nextBeforeSeq: records.length === query.limit && last && last.seq > 1 ? last.seq : null,
    };
  }
}
