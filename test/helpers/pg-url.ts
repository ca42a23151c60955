import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The throwaway PostgreSQL that `npm test` starts (scripts/pg-temp.mjs), if any. */
export function pgTestUrl(): string | undefined {
  return process.env.LOCKWARDEN_TEST_PG_URL || undefined;
}

export const PG_SKIP_REASON = 'LOCKWARDEN_TEST_PG_URL unset: run through `npm test`, which starts PostgreSQL';

/** A fresh database on the test server, dropped by `drop()`. */
export async function createTempPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = pgTestUrl();
  if (!base) throw new Error(PG_SKIP_REASON);
  const name = `lw_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
