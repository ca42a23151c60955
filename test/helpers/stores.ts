import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { openStore } from '../../server/db/store.ts';
import { createTempPgDatabase, pgTestUrl } from './pg-url.ts';

export type TestStore = Awaited<ReturnType<typeof openStore>>;

export interface StoreFactory {
  dialect: 'sqlite' | 'postgres';
  open(): Promise<{
    store: TestStore;
    url: string | undefined;
    sqlitePath: string | undefined;
    dispose(): Promise<void>;
  }>;
}

const sqliteFactory: StoreFactory = {
  dialect: 'sqlite',
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-store-'));
    const sqlitePath = path.join(dir, 'test.db');
    const store = await openStore({ sqlitePath });
    return {
      store,
      url: undefined,
      sqlitePath,
      async dispose() {
        await store.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgresFactory: StoreFactory = {
  dialect: 'postgres',
  async open() {
    const db = await createTempPgDatabase();
    const store = await openStore({ databaseUrl: db.url });
    return {
      store,
      url: db.url,
      sqlitePath: undefined,
      async dispose() {
        await store.close().catch(() => undefined);
        await db.drop();
      },
    };
  },
};

/**
 * Runs a suite once per database dialect. PostgreSQL runs whenever `npm test` started its
 * throwaway server (LOCKWARDEN_TEST_PG_URL); run directly with vitest it shows as skipped.
 */
export function describeEachDialect(name: string, suite: (factory: StoreFactory) => void): void {
  describe(`${name} [sqlite]`, () => suite(sqliteFactory));
  const hasPg = pgTestUrl() !== undefined;
  describe.skipIf(!hasPg)(
    `${name} [postgres]${hasPg ? '' : ' (skipped: LOCKWARDEN_TEST_PG_URL unset; npm test sets it)'}`,
    () => suite(postgresFactory),
  );
}
