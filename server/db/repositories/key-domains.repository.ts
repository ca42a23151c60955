import type { Kysely, Selectable } from 'kysely';
import type {
  KekVersionRecord,
  KeyDomainRecord,
  KeyDomainRepository,
  KeyPurpose,
  KekState,
} from '../../domain/key-repositories.ts';
import type { DatabaseSchema, KekVersionsTable, KeyDomainsTable } from '../schema.ts';

function toDomain(row: Selectable<KeyDomainsTable>): KeyDomainRecord {
  return {
    id: row.id,
    description: row.description,
    purpose: row.purpose as KeyPurpose,
    rotationPeriodDays: row.rotation_period_days,
    activeKekVersion: row.active_kek_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRotatedAt: row.last_rotated_at,
  };
}

function toKek(row: Selectable<KekVersionsTable>): KekVersionRecord {
  return {
    domainId: row.domain_id,
    version: row.version,
    hsmLabel: row.hsm_label,
    state: row.state as KekState,
    createdAt: row.created_at,
    deactivatedAt: row.deactivated_at,
    destroyedAt: row.destroyed_at,
  };
}

export class KyselyKeyDomainRepository implements KeyDomainRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(d: KeyDomainRecord) {
    await this.db
      .insertInto('key_domains')
      .values({
        id: d.id,
        description: d.description,
        purpose: d.purpose,
        rotation_period_days: d.rotationPeriodDays,
        active_kek_version: d.activeKekVersion,
        created_at: d.createdAt,
        updated_at: d.updatedAt,
        last_rotated_at: d.lastRotatedAt,
      })
      .execute();
  }

  async find(id: string) {
    const row = await this.db.selectFrom('key_domains').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDomain(row);
  }

  async list() {
    return (await this.db.selectFrom('key_domains').selectAll().orderBy('id').execute()).map(toDomain);
  }

  async update(id: string, patch: Partial<Omit<KeyDomainRecord, 'id' | 'createdAt'>>) {
    const values: Partial<KeyDomainsTable> = {};
    if (patch.description !== undefined) values.description = patch.description;
    if (patch.purpose !== undefined) values.purpose = patch.purpose;
    if (patch.rotationPeriodDays !== undefined) values.rotation_period_days = patch.rotationPeriodDays;
    if (patch.activeKekVersion !== undefined) values.active_kek_version = patch.activeKekVersion;
    if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
    if (patch.lastRotatedAt !== undefined) values.last_rotated_at = patch.lastRotatedAt;
    if (Object.keys(values).length > 0)
      await this.db.updateTable('key_domains').set(values).where('id', '=', id).execute();
  }

  async delete(id: string) {
    await this.db.deleteFrom('key_domains').where('id', '=', id).execute();
  }

  async insertKek(k: KekVersionRecord) {
    await this.db
      .insertInto('kek_versions')
      .values({
        domain_id: k.domainId,
        version: k.version,
        hsm_label: k.hsmLabel,
        state: k.state,
        created_at: k.createdAt,
        deactivated_at: k.deactivatedAt,
        destroyed_at: k.destroyedAt,
      })
      .execute();
  }

  async findKek(domainId: string, version: number) {
    const row = await this.db
      .selectFrom('kek_versions')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row && toKek(row);
  }

  async listKeks(domainId: string) {
    const rows = await this.db
      .selectFrom('kek_versions')
      .selectAll()
      .where('domain_id', '=', domainId)
      .orderBy('version', 'desc')
      .execute();
    return rows.map(toKek);
  }

  async updateKek(
    domainId: string,
    version: number,
    patch: Partial<Pick<KekVersionRecord, 'state' | 'deactivatedAt' | 'destroyedAt'>>,
  ) {
    const values: Partial<KekVersionsTable> = {};
    if (patch.state !== undefined) values.state = patch.state;
    if (patch.deactivatedAt !== undefined) values.deactivated_at = patch.deactivatedAt;
    if (patch.destroyedAt !== undefined) values.destroyed_at = patch.destroyedAt;
    await this.db
      .updateTable('kek_versions')
      .set(values)
      .where('domain_id', '=', domainId)
      .where('version', '=', version)
      .execute();
  }
}
