import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTestDir, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { session, sleep } from '../helpers/system-session.ts';

/**
 * Issue 7: a crypto-shred of 200 cartridges, approved by a second person, with the console
 * SIGKILLed again and again while the erase job runs. After every kill, before the restart,
 * the database must never show an item recorded as pending whose key is already destroyed,
 * nor an item recorded as erased whose key is not destroyed. At the end every item is erased,
 * once, with a certificate.
 */
const ADMIN = 'erase-crash-admin-password';
const dir = mkdtempSync(path.join(tmpdir(), 'lw-erase-crash-'));
const env = { LOCKWARDEN_DATA_DIR: dir, LOCKWARDEN_ADMIN_PASSWORD: ADMIN, LOCKWARDEN_SCENARIO: 'small-lab' };
const COUNT = 200;
const LAST = `A${String(COUNT).padStart(5, '0')}L9`;
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  removeTestDir(dir);
});

function snapshot() {
  const db = new Database(path.join(dir, 'lockwarden.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT i.identity, i.state, s.state AS key_state, i.certificate_id
           FROM erase_items i
           JOIN tape_cartridges c ON c.barcode = i.identity
           JOIN tape_keys k ON k.key_ref = c.key_ref
           JOIN managed_secrets s ON s.id = k.secret_id`,
      )
      .all() as { identity: string; state: string; key_state: string; certificate_id: string | null }[];
  } finally {
    db.close();
  }
}

function checkInvariant(rows: ReturnType<typeof snapshot>): void {
  for (const r of rows) {
    if (r.state === 'pending')
      expect(r.key_state, `${r.identity} pending but its key is gone`).not.toBe('destroyed');
    if (r.state === 'erased') expect(r.key_state, `${r.identity} erased but its key lives`).toBe('destroyed');
    if (r.state === 'erased') expect(r.certificate_id).not.toBeNull();
  }
}

describe('crypto-shredding under repeated SIGKILL', () => {
  it('never records an item as erased when it is not, nor as pending when it is', async () => {
    server = await startServer(env);
    let admin = await session(server.url, 'admin', ADMIN);
    expect(
      (
        await admin('POST', '/api/users', {
          username: 'sam',
          role: 'security-officer',
          password: 'first-officer-pass-1',
        })
      ).status,
    ).toBe(201);
    const samFirst = await session(server.url, 'sam', 'first-officer-pass-1');
    const changed = await samFirst('POST', '/api/auth/password', {
      currentPassword: 'first-officer-pass-1',
      newPassword: 'second-officer-pass-2',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBeLessThan(300);
    await admin('POST', '/api/tape/refresh');
    const serial = ((await admin('GET', '/api/tape/libraries')).body.libraries as { serial: string }[])[0]!
      .serial;
    expect(
      (
        await admin('POST', `/api/tape/libraries/${serial}/pools`, {
          name: 'crash',
          selector: { kind: 'range', from: 'A00000L9', to: 'A00999L9' },
        })
      ).status,
    ).toBe(201);
    const enroll = await admin('POST', '/api/tape/enrollments', {
      librarySerial: serial,
      source: { kind: 'range', from: 'A00001L9', to: LAST },
    });
    const enrollJob = (enroll.body.job as { id: string }).id;
    for (let i = 0; i < 600 && (await admin('GET', `/api/jobs/${enrollJob}`)).body.state !== 'succeeded'; i++)
      await sleep(100);

    const req = await admin('POST', '/api/erase/requests', {
      method: 'tape-shred',
      targets: { kind: 'cartridge-range', from: 'A00001L9', to: LAST },
      schedule: { kind: 'now' },
      reason: 'crash test',
    });
    expect(req.status).toBe(201);
    const sam = await session(server.url, 'sam', 'second-officer-pass-2');
    expect(
      (await sam('POST', `/api/approvals/${String(req.body.approvalId)}/approve`, { note: 'go' })).status,
    ).toBe(200);

    // Kill once the job has made progress since the last restart, a little later each time.
    const kills: number[] = [];
    let erased = 0;
    for (let i = 0; i < 8; i++) {
      for (let waited = 0; waited < 60_000; waited += 10) {
        const rows = snapshot();
        if (
          rows.filter((r) => r.state === 'erased').length > erased ||
          rows.every((r) => r.state === 'erased')
        )
          break;
        await sleep(10);
      }
      await sleep(Math.floor(Math.random() * 80));
      await server.stop('SIGKILL');
      const rows = snapshot();
      checkInvariant(rows);
      erased = rows.filter((r) => r.state === 'erased').length;
      kills.push(erased);
      if (erased === COUNT) break;
      server = await startServer(env);
    }
    if (!server.child.killed && server.child.exitCode === null) await server.stop('SIGKILL');
    server = await startServer(env);
    admin = await session(server.url, 'admin', ADMIN);
    let detail: Record<string, unknown> = {};
    for (let i = 0; i < 900; i++) {
      detail = (await admin('GET', `/api/erase/requests/${String(req.body.id)}`)).body;
      if (detail.state === 'completed' || detail.state === 'failed') break;
      await sleep(100);
    }
    const notErased = (detail.items as { identity: string; state: string; result: string }[]).filter(
      (i) => i.state !== 'erased',
    );
    expect(detail.state, JSON.stringify(notErased.slice(0, 3))).toBe('completed');
    await server.stop();
    server = undefined;
    const rows = snapshot();
    checkInvariant(rows);
    expect(rows).toHaveLength(COUNT);
    expect(rows.every((r) => r.state === 'erased' && r.key_state === 'destroyed')).toBe(true);
    const db = new Database(path.join(dir, 'lockwarden.db'), { readonly: true });
    try {
      const certs = db.prepare(`SELECT COUNT(*) n, COUNT(DISTINCT item_id) d FROM certificates`).get() as {
        n: number;
        d: number;
      };
      expect(certs).toEqual({ n: COUNT, d: COUNT });
    } finally {
      db.close();
    }
    expect(kills.length).toBeGreaterThanOrEqual(3);
    console.info(`erase killed ${kills.length} times with erased = ${kills.join(', ')}`);
  }, 600_000);
});
