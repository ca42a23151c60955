// The throwaway PostgreSQL that `npm test` starts (scripts/pg-temp.mjs) and exports as
// LOCKWARDEN_TEST_PG_URL. Run outside `npm test` (plain `npx vitest`), the variable is unset and
// PostgreSQL suites show as skipped with PG_SKIP_REASON instead of failing.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function pgTestUrl(): string | undefined {
  return process.env.LOCKWARDEN_TEST_PG_URL || undefined;
}

/** Why a PostgreSQL suite is skipped; put it in the suite name so the report says so. */
export const PG_SKIP_REASON =
  'LOCKWARDEN_TEST_PG_URL unset: run `npm test` (starts PostgreSQL), or `node scripts/pg-temp.mjs` and export its URL';

async function withAdmin<T>(base: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database on the test server, for test files that must not share tables.
 * Call `drop()` in afterAll; FORCE ends connections a failed test left open.
 */
export async function createTempPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = pgTestUrl();
  if (!base) throw new Error(PG_SKIP_REASON);
  // Lower-case hex only, so the name needs no quoting and cannot inject SQL.
  const name = `lw_${randomBytes(8).toString('hex')}`;
  await withAdmin(base, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(base, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
