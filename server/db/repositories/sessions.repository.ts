import type { Kysely, Selectable } from 'kysely';
import type { SessionRecord, SessionRepository } from '../../domain/repositories.ts';
import type { DatabaseSchema, SessionsTable } from '../schema.ts';

function toRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    address: row.address,
    userAgent: row.user_agent,
  };
}

export class KyselySessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(s: SessionRecord) {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        user_id: s.userId,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        expires_at: s.expiresAt,
        address: s.address,
        user_agent: s.userAgent,
      })
      .execute();
  }

  async find(idHash: string) {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async touch(idHash: string, lastSeenAt: string) {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async delete(idHash: string) {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteForUser(userId: string, keepIdHash?: string) {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepIdHash !== undefined) query = query.where('id_hash', '!=', keepIdHash);
    const rows = await query.returning('id_hash').execute();
    return rows.map((r) => r.id_hash);
  }

  async deleteExpired(nowIso: string, idleCutoffIso: string) {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', nowIso), eb('last_seen_at', '<=', idleCutoffIso)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
