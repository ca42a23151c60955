import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SIM_SEDUTIL_CLI } from '../../hardware-sims/sed/sim-sed-drivers.ts';
import type { FleetState, SimDrive } from '../../hardware-sims/sed/sim-types.ts';
import type { SignedCertificate } from '../../shared/schemas/certificates.ts';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import { removeTestDir, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { session, sleep, waitFor } from '../helpers/system-session.ts';

/**
 * Issue 7: an Opal revert (`sed-revert`) of two enrolled drives, approved by a security officer,
 * with the console SIGKILLed right before and right after the drive commands of the erase (the
 * simulator is wrapped by a script that kills its parent, the console, at one chosen sedutil
 * command). After every kill, before the restart, the database is compared with what the drive
 * really holds (the simulator's state file): never an item recorded `erased` on a drive that was
 * not reverted, never `pending` on one that was, never the escrowed credentials of a drive that
 * is still owned destroyed. At the end both drives are in factory state, reverted once, each
 * item has one certificate, the credentials are destroyed and the audit chain verifies.
 */
const run = promisify(execFile);
const PASSWORD = 'sed-erase-kill-admin-password';
const OFFICER_FIRST = 'first-officer-pass-1';
const OFFICER = 'second-officer-pass-2';
const dir = mkdtempSync(path.join(tmpdir(), 'lw-sed-erase-kill-'));
const dataDir = path.join(dir, 'data');
const statePath = path.join(dataDir, 'sed-sim', 'state.json');
const wrapper = path.join(dir, 'sedutil-wrapper.sh');
const fired = path.join(dir, 'fired');
const base = {
  LOCKWARDEN_DATA_DIR: dataDir,
  LOCKWARDEN_ADMIN_PASSWORD: PASSWORD,
  LOCKWARDEN_SCENARIO: 'small-lab',
  LOCKWARDEN_SED_SIM_EXECUTABLE: wrapper,
};
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  removeTestDir(dir);
});

interface KillPoint {
  /** The sedutil action as the driver spells it in argv. */
  action: '--revertTPer' | '--setSIDPassword';
  device: string;
  when: 'before' | 'after';
}

/**
 * The wrapper: every command passes through to the simulator, except that the first one with
 * `point`'s action on `point`'s device (once per armed wrapper) kills the console before or
 * after it runs. Without a point it only passes through.
 */
function armWrapper(point?: KillPoint): void {
  rmSync(fired, { recursive: true, force: true });
  const trap = point
    ? `for dev; do :; done
case " $* " in
  *" ${point.action} "*) if [ "$dev" = "${point.device}" ] && mkdir "${fired}" 2>/dev/null; then hit=1; fi;;
esac
if [ -n "$hit" ] && [ "${point.when}" = before ]; then kill -9 "$PPID"; exit 137; fi
`
    : '';
  const after = point?.when === 'after' ? `if [ -n "$hit" ]; then kill -9 "$PPID"; fi\n` : '';
  writeFileSync(wrapper, `#!/bin/sh\nhit=\n${trap}"${SIM_SEDUTIL_CLI}" "$@"; rc=$?\n${after}exit $rc\n`);
  chmodSync(wrapper, 0o755);
}

/** Whether the console died (the wrapper killed it) within `ms`. */
async function died(s: ServerProcess, ms: number): Promise<boolean> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return true;
  return Promise.race([
    new Promise<boolean>((resolve) => s.child.once('exit', () => resolve(true))),
    sleep(ms).then(() => false),
  ]);
}

interface Drive {
  id: string;
  serial: string;
  host: string;
  devicePath: string;
  sidSecretId: string;
  admin1SecretId: string;
  /** The global range's media-key generation after enrollment, before the erase. */
  generation: number;
}

/** What the drive really holds, from the simulator's own state (no command: a failed MSID try would count). */
function simDrive(d: Pick<Drive, 'host' | 'devicePath'>): SimDrive {
  const fleet = JSON.parse(readFileSync(statePath, 'utf8')) as FleetState;
  const found = fleet.drives.find((x) => x.host === d.host && x.device === d.devicePath);
  if (!found) throw new Error(`no simulated drive ${d.host}:${d.devicePath}`);
  return found;
}

/** Reverted: factory state (Locking SP gone, SID = MSID) with every key replaced since enrollment. */
function driveState(d: Drive): 'reverted' | 'owned' {
  const s = simDrive(d);
  const factory =
    s.lifeCycle === 'manufactured-inactive' &&
    s.lockingSp === null &&
    s.sid.pin === Buffer.from(s.msid, 'latin1').toString('hex');
  const rekeyed = (s.keyGenerations[0] ?? 0) > d.generation;
  if (factory && rekeyed) return 'reverted';
  if (!factory && !rekeyed) return 'owned';
  throw new Error(`${d.serial} is half reverted: ${JSON.stringify({ factory, rekeyed })}`);
}

function openDb() {
  return new Database(path.join(dataDir, 'lockwarden.db'), { readonly: true, fileMustExist: true });
}

interface ItemRow {
  identity: string;
  state: string;
  result: string | null;
  certificate_id: string | null;
}

function items(requestId: string): ItemRow[] {
  const db = openDb();
  try {
    return db
      .prepare(`SELECT identity, state, result, certificate_id FROM erase_items WHERE request_id = ?`)
      .all(requestId) as ItemRow[];
  } finally {
    db.close();
  }
}

function secretStates(d: Drive): string[] {
  const db = openDb();
  try {
    const q = db.prepare(`SELECT state FROM managed_secrets WHERE id = ?`);
    return [d.sidSecretId, d.admin1SecretId].map((id) => (q.get(id) as { state: string }).state);
  } finally {
    db.close();
  }
}

/** The invariant, checked with the console dead: the database never claims more or less than the drive shows. */
function checkInvariant(requestId: string, drives: Drive[], label: string): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const item of items(requestId)) {
    const d = drives.find((x) => x.serial === item.identity)!;
    const real = driveState(d);
    const secrets = secretStates(d);
    const at = `${label}: ${d.serial} recorded ${item.state}, drive ${real}, secrets ${secrets.join('/')}`;
    seen[d.serial] = `${item.state}/${real}`;
    expect(['pending', 'erasing', 'erased'], `${at}: ${item.result ?? ''}`).toContain(item.state);
    if (item.state === 'erased') {
      expect(real, at).toBe('reverted');
      expect(item.certificate_id, at).not.toBeNull();
      expect(secrets, at).toEqual(['destroyed', 'destroyed']);
    }
    if (item.state === 'pending') {
      expect(real, at).toBe('owned');
      expect(secrets, at).not.toContain('destroyed');
    }
    // Credentials are only worthless once the drive is back in factory state.
    if (secrets.includes('destroyed')) expect(real, at).toBe('reverted');
  }
  return seen;
}

describe('Opal revert (sed-revert) under SIGKILL around each drive command', () => {
  it('never records a drive erased when it is not, nor pending when it is', async () => {
    const started = Date.now();
    armWrapper();
    server = await startServer(base);
    let admin = await session(server.url, 'admin', PASSWORD);
    const created = await admin('POST', '/api/users', {
      username: 'sam',
      role: 'security-officer',
      password: OFFICER_FIRST,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const samFirst = await session(server.url, 'sam', OFFICER_FIRST);
    const changed = await samFirst('POST', '/api/auth/password', {
      currentPassword: OFFICER_FIRST,
      newPassword: OFFICER,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBeLessThan(300);

    await admin('POST', '/api/sed-drives/discovery');
    type Listed = Pick<Drive, 'id' | 'serial' | 'host' | 'devicePath'> & { ssc: string };
    const listed = (
      (await admin('GET', '/api/sed-drives?state=discovered&limit=50')).body.drives as Listed[]
    ).filter((d) => d.ssc === 'opal2' && !['/dev/nvme2', '/dev/nvme3'].includes(d.devicePath)); // owned, Block SID
    expect(listed.length).toBeGreaterThanOrEqual(2);
    const picked = listed.slice(0, 2);
    const enrollments = await Promise.all(
      picked.map((d) => admin('POST', `/api/sed-drives/${d.id}/enrollment`)),
    );
    for (const job of enrollments) {
      expect(job.status, JSON.stringify(job.body)).toBe(202);
      const done = await waitFor(async () => {
        const j = await admin('GET', `/api/jobs/${String(job.body.id)}`);
        return ['succeeded', 'failed'].includes(String(j.body.state)) ? j.body : undefined;
      });
      expect(done, JSON.stringify(done)).toMatchObject({ state: 'succeeded' });
    }
    const db = openDb();
    const drives: Drive[] = picked.map((d) => {
      const row = db
        .prepare(`SELECT sid_secret_id, admin1_secret_id FROM sed_drives WHERE serial = ?`)
        .get(d.serial) as { sid_secret_id: string; admin1_secret_id: string };
      return {
        id: d.id,
        serial: d.serial,
        host: d.host,
        devicePath: d.devicePath,
        sidSecretId: row.sid_secret_id,
        admin1SecretId: row.admin1_secret_id,
        generation: simDrive(d).keyGenerations[0] ?? 0,
      };
    });
    db.close();
    for (const d of drives) expect(driveState(d)).toBe('owned');
    const [a, b] = drives as [Drive, Drive];

    // RevertTPer is the command that changes the drive; `-n --setSIDPassword MSID MSID` (the
    // factory-state proof, also the first command of a resumed item) authenticates as SID and
    // writes the same PIN back. Each kill is followed by a restart that resumes the job; the
    // last restart runs it to the end. (Every restart costs a console start-up, so a few points.)
    const points: KillPoint[] = [
      { action: '--revertTPer', device: a.devicePath, when: 'before' },
      { action: '--revertTPer', device: a.devicePath, when: 'after' },
      { action: '--setSIDPassword', device: a.devicePath, when: 'after' },
      { action: '--revertTPer', device: b.devicePath, when: 'before' },
    ];
    armWrapper(points[0]);
    const req = await admin('POST', '/api/erase/requests', {
      method: 'sed-revert',
      targets: { kind: 'sed-drives', serials: drives.map((d) => d.serial) },
      schedule: { kind: 'now' },
      reason: 'drives leave service (SIGKILL test)',
    });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const requestId = String(req.body.id);
    const sam = await session(server.url, 'sam', OFFICER);
    const approved = await sam('POST', `/api/approvals/${String(req.body.approvalId)}/approve`, {
      note: 'checked the retirement list',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    const seen: string[] = [];
    for (const [i, point] of points.entries()) {
      const label = `kill ${point.when} ${point.action} on ${point.device}`;
      expect(await died(server, 60_000), `${label}: the console was not killed`).toBe(true);
      await server.stop('SIGKILL');
      const states = checkInvariant(requestId, drives, label);
      // The harness hit the command it meant to: before RevertTPer the drive is still owned.
      const target = drives.find((d) => d.devicePath === point.device)!;
      const expected = point.action === '--revertTPer' && point.when === 'before' ? 'owned' : 'reverted';
      expect(driveState(target), label).toBe(expected);
      seen.push(`${label}: ${JSON.stringify(states)}`);
      armWrapper(points[i + 1]);
      server = await startServer(base);
    }

    admin = await session(server.url, 'admin', PASSWORD);
    const detail = await waitFor(async () => {
      const r = (await admin('GET', `/api/erase/requests/${requestId}`)).body;
      return ['completed', 'failed'].includes(String(r.state)) ? r : undefined;
    });
    const finalItems = detail.items as { identity: string; state: string; result: string }[];
    expect(detail.state, JSON.stringify(finalItems)).toBe('completed');
    for (const item of finalItems) {
      expect(item.state).toBe('erased');
      expect(item.result).toMatch(/Locking SP inactive \(factory\); the MSID opens/);
    }
    const audit = await admin('GET', '/api/audit/verification');
    expect(audit.body, JSON.stringify(audit.body)).toMatchObject({ ok: true });
    const certIds = finalItems.map((i) => (i as unknown as { certificateId: string }).certificateId);
    for (const id of certIds) {
      const cert = (await admin('GET', `/api/certificates/${id}`)).body as unknown as SignedCertificate;
      expect(verifyCertificate(cert)).toMatchObject({ ok: true });
      expect(cert.document.people).toMatchObject({ requester: 'admin', approvers: ['sam'] });
    }
    await server.stop();
    server = undefined;

    checkInvariant(requestId, drives, 'after completion');
    const check = openDb();
    try {
      for (const d of drives) {
        const certs = check
          .prepare(
            `SELECT c.id FROM certificates c JOIN erase_items i ON i.id = c.item_id
              WHERE i.request_id = ? AND i.identity = ?`,
          )
          .all(requestId, d.serial);
        expect(certs, `${d.serial}: one certificate`).toHaveLength(1);
        const records = check
          .prepare(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'erase.item' AND target = ?`)
          .get(`sed:${d.serial}`) as { n: number };
        expect(records.n, `${d.serial}: one erase.item record`).toBe(1);
        const secrets = check
          .prepare(`SELECT state, wrapped FROM managed_secrets WHERE id IN (?, ?)`)
          .all(d.sidSecretId, d.admin1SecretId);
        expect(secrets).toEqual([
          { state: 'destroyed', wrapped: null },
          { state: 'destroyed', wrapped: null },
        ]);
        expect(
          check
            .prepare(`SELECT state, sid_secret_id, admin1_secret_id FROM sed_drives WHERE serial = ?`)
            .get(d.serial),
        ).toEqual({ state: 'discovered', sid_secret_id: null, admin1_secret_id: null });
      }
    } finally {
      check.close();
    }

    // The drive itself, asked as a host would: Locking SP inactive, the MSID opens the SID,
    // and the keys were replaced by exactly one revert.
    for (const d of drives) {
      const env = {
        ...process.env,
        LOCKWARDEN_SED_SIM_STATE: statePath,
        LOCKWARDEN_SED_SIM_SCENARIO: 'small-lab',
        LOCKWARDEN_SED_SIM_HOST: d.host,
      };
      const q = await run(SIM_SEDUTIL_CLI, ['--query', d.devicePath], { env });
      expect(q.stdout).toMatch(/LockingEnabled = N/);
      const msid = /^MSID: (\S+)\s*$/m.exec(
        (await run(SIM_SEDUTIL_CLI, ['--printDefaultPassword', d.devicePath], { env })).stdout,
      )?.[1];
      expect(msid).toBeDefined();
      await run(SIM_SEDUTIL_CLI, ['-n', '--setSIDPassword', msid!, msid!, d.devicePath], { env }); // rejects on a non-zero exit
      expect(simDrive(d).keyGenerations[0]).toBe(d.generation + 1);
    }
    console.info(
      `sed-revert killed ${seen.length} times in ${Math.round((Date.now() - started) / 1000)} s:\n  ${seen.join('\n  ')}`,
    );
  }, 240_000);
});
