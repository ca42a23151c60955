import type { Kysely, Selectable } from 'kysely';
import type {
  CartridgeQuery,
  CartridgeState,
  KeyPolicy,
  TapeCartridgeRecord,
  TapeKeyRecord,
  TapeLibraryRecord,
  TapePoolRecord,
  TapeRepository,
} from '../../domain/tape-repositories.ts';
import type {
  DatabaseSchema,
  TapeCartridgesTable,
  TapeKeysTable,
  TapeLibrariesTable,
  TapePoolsTable,
} from '../schema.ts';
import { yieldToEventLoop } from '../yield.ts';

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 500;
/** Barcodes per IN (…) lookup. */
const LOOKUP_CHUNK = 900;

const library = {
  toRecord: (r: Selectable<TapeLibrariesTable>): TapeLibraryRecord => ({
    serial: r.serial,
    name: r.name,
    keyDomainId: r.key_domain_id,
    vendor: r.vendor,
    product: r.product,
    autoEnrollImports: r.auto_enroll_imports === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  toRow: (p: Partial<TapeLibraryRecord>): Partial<TapeLibrariesTable> =>
    strip({
      serial: p.serial,
      name: p.name,
      key_domain_id: p.keyDomainId,
      vendor: p.vendor,
      product: p.product,
      auto_enroll_imports: p.autoEnrollImports === undefined ? undefined : p.autoEnrollImports ? 1 : 0,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    }),
};

const pool = {
  toRecord: (r: Selectable<TapePoolsTable>): TapePoolRecord => ({
    id: r.id,
    librarySerial: r.library_serial,
    name: r.name,
    volserFrom: r.volser_from,
    volserTo: r.volser_to,
    mediaId: r.media_id,
    keyPolicy: r.key_policy as KeyPolicy,
    keyPeriodDays: r.key_period_days,
    currentKeyRef: r.current_key_ref,
    currentKeyUntil: r.current_key_until,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  toRow: (p: Partial<TapePoolRecord>): Partial<TapePoolsTable> =>
    strip({
      id: p.id,
      library_serial: p.librarySerial,
      name: p.name,
      volser_from: p.volserFrom,
      volser_to: p.volserTo,
      media_id: p.mediaId,
      key_policy: p.keyPolicy,
      key_period_days: p.keyPeriodDays,
      current_key_ref: p.currentKeyRef,
      current_key_until: p.currentKeyUntil,
      created_by: p.createdBy,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    }),
};

const keyRow = (k: TapeKeyRecord): TapeKeysTable => ({
  key_ref: k.keyRef,
  secret_id: k.secretId,
  library_serial: k.librarySerial,
  pool_id: k.poolId,
  barcode: k.barcode,
  created_at: k.createdAt,
});

const cartridge = {
  toRecord: (r: Selectable<TapeCartridgesTable>): TapeCartridgeRecord => ({
    barcode: r.barcode,
    librarySerial: r.library_serial,
    poolId: r.pool_id,
    state: r.state as CartridgeState,
    keyRef: r.key_ref,
    enrolledAt: r.enrolled_at,
    lastMountedAt: r.last_mounted_at,
    lastVerifiedAt: r.last_verified_at,
    verifyResult: r.verify_result,
    updatedAt: r.updated_at,
  }),
  toRow: (p: Partial<TapeCartridgeRecord>): Partial<TapeCartridgesTable> =>
    strip({
      barcode: p.barcode,
      library_serial: p.librarySerial,
      pool_id: p.poolId,
      state: p.state,
      key_ref: p.keyRef,
      enrolled_at: p.enrolledAt,
      last_mounted_at: p.lastMountedAt,
      last_verified_at: p.lastVerifiedAt,
      verify_result: p.verifyResult,
      updated_at: p.updatedAt,
    }),
};

/** Drops undefined fields so a patch touches only what it names. */
function strip<T extends Record<string, unknown>>(row: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

export class KyselyTapeRepository implements TapeRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insertLibrary(l: TapeLibraryRecord) {
    await this.db
      .insertInto('tape_libraries')
      .values(library.toRow(l) as TapeLibrariesTable)
      .execute();
  }

  async findLibrary(serial: string) {
    const r = await this.db
      .selectFrom('tape_libraries')
      .selectAll()
      .where('serial', '=', serial)
      .executeTakeFirst();
    return r && library.toRecord(r);
  }

  async listLibraries() {
    const rows = await this.db.selectFrom('tape_libraries').selectAll().orderBy('name').execute();
    return rows.map(library.toRecord);
  }

  async updateLibrary(serial: string, patch: Partial<Omit<TapeLibraryRecord, 'serial'>>) {
    await this.db
      .updateTable('tape_libraries')
      .set(library.toRow(patch))
      .where('serial', '=', serial)
      .execute();
  }

  async insertPool(p: TapePoolRecord) {
    await this.db
      .insertInto('tape_pools')
      .values(pool.toRow(p) as TapePoolsTable)
      .execute();
  }

  async findPool(id: string) {
    const r = await this.db.selectFrom('tape_pools').selectAll().where('id', '=', id).executeTakeFirst();
    return r && pool.toRecord(r);
  }

  async listPools(librarySerial?: string) {
    let q = this.db.selectFrom('tape_pools').selectAll();
    if (librarySerial) q = q.where('library_serial', '=', librarySerial);
    const rows = await q.orderBy('library_serial').orderBy('volser_from').execute();
    return rows.map(pool.toRecord);
  }

  async updatePool(id: string, patch: Partial<Omit<TapePoolRecord, 'id'>>) {
    await this.db.updateTable('tape_pools').set(pool.toRow(patch)).where('id', '=', id).execute();
  }

  async deletePool(id: string) {
    await this.db.deleteFrom('tape_pools').where('id', '=', id).execute();
  }

  async insertKeys(keys: TapeKeyRecord[]) {
    for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
      await this.db
        .insertInto('tape_keys')
        .values(keys.slice(i, i + INSERT_CHUNK).map(keyRow))
        .execute();
    }
  }

  async findKey(keyRef: string) {
    const r = await this.db
      .selectFrom('tape_keys')
      .selectAll()
      .where('key_ref', '=', keyRef)
      .executeTakeFirst();
    return (
      r && {
        keyRef: r.key_ref,
        secretId: r.secret_id,
        librarySerial: r.library_serial,
        poolId: r.pool_id,
        barcode: r.barcode,
        createdAt: r.created_at,
      }
    );
  }

  async insertCartridges(c: TapeCartridgeRecord[]) {
    for (let i = 0; i < c.length; i += INSERT_CHUNK) {
      await this.db
        .insertInto('tape_cartridges')
        .values(c.slice(i, i + INSERT_CHUNK).map((x) => cartridge.toRow(x) as TapeCartridgesTable))
        .execute();
      if (i + INSERT_CHUNK < c.length) await yieldToEventLoop();
    }
  }

  async findCartridge(barcode: string) {
    const r = await this.db
      .selectFrom('tape_cartridges')
      .selectAll()
      .where('barcode', '=', barcode)
      .executeTakeFirst();
    return r && cartridge.toRecord(r);
  }

  async existingBarcodes(barcodes: string[]) {
    const found = new Set<string>();
    for (let i = 0; i < barcodes.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('tape_cartridges')
        .select('barcode')
        .where('barcode', 'in', barcodes.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const r of rows) found.add(r.barcode);
    }
    return found;
  }

  async updateCartridge(barcode: string, patch: Partial<Omit<TapeCartridgeRecord, 'barcode'>>) {
    await this.db
      .updateTable('tape_cartridges')
      .set(cartridge.toRow(patch))
      .where('barcode', '=', barcode)
      .execute();
  }

  async listCartridges(q: CartridgeQuery) {
    let base = this.db
      .selectFrom('tape_cartridges as c')
      .innerJoin('tape_keys as k', 'k.key_ref', 'c.key_ref')
      .innerJoin('managed_secrets as s', 's.id', 'k.secret_id');
    if (q.librarySerial) base = base.where('c.library_serial', '=', q.librarySerial);
    if (q.poolId) base = base.where('c.pool_id', '=', q.poolId);
    if (q.state) base = base.where('c.state', '=', q.state);
    if (q.search) base = base.where('c.barcode', 'like', `${q.search.replace(/[%_\\]/g, '')}%`);
    if (q.keyCreatedBefore) base = base.where('k.created_at', '<', q.keyCreatedBefore);
    const [rows, count] = await Promise.all([
      base
        .selectAll('c')
        .select(['k.created_at as key_created_at', 's.state as key_state'])
        .orderBy('c.barcode')
        .limit(q.limit)
        .offset(q.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        ...cartridge.toRecord(r),
        keyCreatedAt: r.key_created_at,
        keyState: r.key_state,
      })),
      total: Number(count.n),
    };
  }

  async countCartridgesByPool(poolId: string) {
    const r = await this.db
      .selectFrom('tape_cartridges')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('pool_id', '=', poolId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
