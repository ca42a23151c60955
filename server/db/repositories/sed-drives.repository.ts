import type { Kysely, Selectable } from 'kysely';
import type {
  SedDriveQuery,
  SedDriveRecord,
  SedDriveRepository,
  SedDriveState,
  SedStatusSnapshot,
} from '../../domain/sed-repositories.ts';
import type { DatabaseSchema, SedDrivesTable } from '../schema.ts';

function toRecord(row: Selectable<SedDrivesTable>): SedDriveRecord {
  return {
    id: row.id,
    serial: row.serial,
    host: row.host,
    devicePath: row.device_path,
    model: row.model,
    firmware: row.firmware,
    transport: row.transport,
    ssc: row.ssc,
    status: JSON.parse(row.status) as SedStatusSnapshot,
    state: row.state as SedDriveState,
    step: row.step,
    passwordScheme: row.password_scheme,
    sidSecretId: row.sid_secret_id,
    admin1SecretId: row.admin1_secret_id,
    pendingSidSecretId: row.pending_sid_secret_id,
    pendingAdmin1SecretId: row.pending_admin1_secret_id,
    lastError: row.last_error,
    lastSeenAt: row.last_seen_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const COLUMNS: Record<Exclude<keyof SedDriveRecord, 'status'>, keyof SedDrivesTable> = {
  id: 'id',
  serial: 'serial',
  host: 'host',
  devicePath: 'device_path',
  model: 'model',
  firmware: 'firmware',
  transport: 'transport',
  ssc: 'ssc',
  state: 'state',
  step: 'step',
  passwordScheme: 'password_scheme',
  sidSecretId: 'sid_secret_id',
  admin1SecretId: 'admin1_secret_id',
  pendingSidSecretId: 'pending_sid_secret_id',
  pendingAdmin1SecretId: 'pending_admin1_secret_id',
  lastError: 'last_error',
  lastSeenAt: 'last_seen_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

function toRow(patch: Partial<SedDriveRecord>): Partial<SedDrivesTable> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === 'status') row.status = JSON.stringify(value);
    else row[COLUMNS[key as keyof typeof COLUMNS]] = value;
  }
  return row;
}

export class KyselySedDriveRepository implements SedDriveRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(drive: SedDriveRecord) {
    await this.db
      .insertInto('sed_drives')
      .values(toRow(drive) as SedDrivesTable)
      .execute();
  }

  async find(id: string) {
    const row = await this.db.selectFrom('sed_drives').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findBySerial(serial: string) {
    const row = await this.db
      .selectFrom('sed_drives')
      .selectAll()
      .where('serial', '=', serial)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(q: SedDriveQuery) {
    let base = this.db.selectFrom('sed_drives');
    if (q.host !== undefined) base = base.where('host', '=', q.host);
    if (q.state !== undefined) base = base.where('state', '=', q.state);
    if (q.model !== undefined) base = base.where('model', '=', q.model);
    if (q.enrolled === true) base = base.where('admin1_secret_id', 'is not', null);
    if (q.enrolled === false) base = base.where('admin1_secret_id', 'is', null);
    if (q.search !== undefined) {
      // The edge allows only letters, digits, space and . / : - in searches: no LIKE wildcards.
      const like = `%${q.search.replace(/[%_\\]/g, '')}%`;
      base = base.where((eb) =>
        eb.or([eb('serial', 'like', like), eb('model', 'like', like), eb('device_path', 'like', like)]),
      );
    }
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('host').orderBy('device_path').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRecord), total: Number(count.n) };
  }

  async listAll(opts: { host?: string | undefined; states?: SedDriveState[] | undefined } = {}) {
    let query = this.db.selectFrom('sed_drives').selectAll().orderBy('host').orderBy('device_path');
    if (opts.host !== undefined) query = query.where('host', '=', opts.host);
    if (opts.states?.length) query = query.where('state', 'in', opts.states);
    return (await query.execute()).map(toRecord);
  }

  async update(id: string, patch: Partial<Omit<SedDriveRecord, 'id' | 'createdAt'>>) {
    const row = toRow(patch);
    if (Object.keys(row).length > 0)
      await this.db.updateTable('sed_drives').set(row).where('id', '=', id).execute();
  }
}
