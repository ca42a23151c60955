import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTestDir, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { session, sleep } from '../helpers/system-session.ts';

/**
 * Issue 6: a 10,000-cartridge enrollment survives the console being killed (SIGKILL) again
 * and again, at different points of the job: SoftHSM2, SQLite with synchronous=FULL and the
 * in-process tape emulators, exactly as `npm start` runs them. Afterwards every cartridge has
 * exactly one key, every key and secret belongs to a committed cartridge, and the job is done.
 */
const PASSWORD = 'enrollment-crash-test-password';
const dir = mkdtempSync(path.join(tmpdir(), 'lw-enroll-crash-'));
const env = {
  LOCKWARDEN_DATA_DIR: dir,
  LOCKWARDEN_ADMIN_PASSWORD: PASSWORD,
  LOCKWARDEN_SCENARIO: 'small-lab',
};
const KILLS = 12;
const FIRST = 'A10000L9';
const LAST = 'A19999L9';
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  removeTestDir(dir);
});

/** The job row as the console last committed it (read-only; WAL lets us read beside the writer). */
function jobRow(id: string): { state: string; done: number; total: number } | undefined {
  const db = new Database(path.join(dir, 'lockwarden.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT state, done, total FROM jobs WHERE id = ?').get(id) as
      { state: string; done: number; total: number } | undefined;
  } finally {
    db.close();
  }
}

describe('bulk enrollment under repeated SIGKILL', () => {
  it('completes with exactly one key per cartridge and nothing orphaned', async () => {
    server = await startServer(env);
    let call = await session(server.url, 'admin', PASSWORD);
    expect((await call('POST', '/api/tape/refresh')).status).toBe(200);
    const libs = (await call('GET', '/api/tape/libraries')).body.libraries as { serial: string }[];
    const serial = libs[0]!.serial;
    const pool = await call('POST', `/api/tape/libraries/${serial}/pools`, {
      name: 'new delivery',
      selector: { kind: 'range', from: FIRST, to: LAST },
    });
    expect(pool.status).toBe(201);
    const started = await call('POST', '/api/tape/enrollments', {
      librarySerial: serial,
      source: { kind: 'range', from: FIRST, to: LAST },
    });
    expect(started.status).toBe(202);
    const jobId = (started.body.job as { id: string }).id;

    // Kill at a different point each time: three times early (while the first batch is in
    // the HSM or committing), then once after each further batch has committed.
    const killedAt: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const threshold = i < 3 ? 0 : (i - 2) * 1000;
      for (let waited = 0; ; waited += 5) {
        const row = jobRow(jobId);
        if (row?.state === 'succeeded' || waited > 120_000) break;
        if (row?.state === 'running' && row.done >= threshold) break;
        await sleep(5);
      }
      if (jobRow(jobId)?.state !== 'running') break;
      await sleep(i < 3 ? i * 30 : Math.floor(Math.random() * 40));
      const at = jobRow(jobId);
      await server.stop('SIGKILL');
      if (at?.state === 'running') killedAt.push(at.done);
      server = await startServer(env);
    }
    expect(killedAt.length).toBeGreaterThanOrEqual(10);

    call = await session(server.url, 'admin', PASSWORD);
    let job: Record<string, unknown> = {};
    for (let waited = 0; waited < 120_000; waited += 100) {
      job = (await call('GET', `/api/jobs/${jobId}`)).body;
      if (job.state === 'succeeded' || job.state === 'failed') break;
      await sleep(100);
    }
    expect(job).toMatchObject({ state: 'succeeded', done: 10_000, total: 10_000, failedItems: 0 });
    expect((await call('GET', '/api/audit/verification')).body).toMatchObject({ ok: true });
    await server.stop();
    server = undefined;

    const db = new Database(path.join(dir, 'lockwarden.db'), { readonly: true });
    try {
      const inRange = `BETWEEN '${FIRST}' AND '${LAST}'`;
      const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(one(`SELECT COUNT(*) n FROM tape_cartridges WHERE barcode ${inRange}`)).toBe(10_000);
      // One key per cartridge, and it is the one the cartridge names.
      expect(one(`SELECT COUNT(*) n FROM tape_keys WHERE barcode ${inRange}`)).toBe(10_000);
      expect(
        one(`SELECT COUNT(*) n FROM tape_cartridges c JOIN tape_keys k ON k.key_ref = c.key_ref AND k.barcode = c.barcode
             WHERE c.barcode ${inRange}`),
      ).toBe(10_000);
      // No secret without its cartridge (a batch generated in the HSM but killed before commit leaves nothing).
      expect(one(`SELECT COUNT(*) n FROM managed_secrets WHERE owner_ref ${inRange}`)).toBe(10_000);
      expect(
        one(`SELECT COUNT(*) n FROM managed_secrets s LEFT JOIN tape_keys k ON k.secret_id = s.id
             WHERE s.owner_ref ${inRange} AND k.key_ref IS NULL`),
      ).toBe(0);
      // Exactly one active key per cartridge.
      expect(
        one(`SELECT COUNT(*) n FROM (SELECT owner_ref FROM managed_secrets WHERE owner_ref ${inRange}
             AND state = 'active' GROUP BY owner_ref HAVING COUNT(*) = 1)`),
      ).toBe(10_000);
      // One audit record per enrolled cartridge, however often the job resumed.
      expect(
        one(`SELECT COUNT(DISTINCT target) n FROM audit_events WHERE action = 'tape.enroll' AND outcome = 'success'
             AND target BETWEEN 'cartridge:${FIRST}' AND 'cartridge:${LAST}'`),
      ).toBe(10_000);
      expect(
        one(`SELECT COUNT(*) n FROM audit_events WHERE action = 'tape.enroll' AND outcome = 'success'
             AND target BETWEEN 'cartridge:${FIRST}' AND 'cartridge:${LAST}'`),
      ).toBe(10_000);
    } finally {
      db.close();
    }
    console.info(`enrollment killed ${killedAt.length} times at done = ${killedAt.join(', ')}`);
  }, 600_000);
});
