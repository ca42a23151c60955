import type { Kysely } from 'kysely';
import type { AuditSealRecord, AuditSealRepository } from '../../domain/key-repositories.ts';
import type { DatabaseSchema } from '../schema.ts';

export class KyselyAuditSealRepository implements AuditSealRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(s: AuditSealRecord) {
    await this.db
      .insertInto('audit_seals')
      .values({ seq: s.seq, hash: s.hash, mac: s.mac, key_label: s.keyLabel, sealed_at: s.sealedAt })
      .execute();
  }

  async latest() {
    return (await this.list(1))[0];
  }

  async list(limit: number) {
    const rows = await this.db
      .selectFrom('audit_seals')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      hash: r.hash,
      mac: r.mac,
      keyLabel: r.key_label,
      sealedAt: r.sealed_at,
    }));
  }
}
