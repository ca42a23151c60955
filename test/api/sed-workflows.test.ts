import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverError } from '../../server/drivers/core/driver-error.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { MemorySed } from '../helpers/memory-sed.ts';

let t: TestApp;
let sed: MemorySed;
let op: Awaited<ReturnType<TestApp['login']>>;
let so: Awaited<ReturnType<TestApp['login']>>;

async function job(id: string) {
  return waitFor(async () => {
    const res = await op.agent.get(`/api/jobs/${id}`);
    return ['succeeded', 'failed', 'cancelled'].includes(res.body.state) ? res.body : undefined;
  });
}

async function driveBySerial(serial: string) {
  const res = await op.agent.get(`/api/sed-drives?search=${serial}`).expect(200);
  return res.body.drives[0];
}

async function enroll(serial: string) {
  const drive = await driveBySerial(serial);
  const res = await op.agent
    .post(`/api/sed-drives/${drive.id}/enrollment`)
    .set('X-CSRF-Token', op.csrf)
    .expect(202);
  return job(res.body.id);
}

beforeAll(async () => {
  sed = new MemorySed();
  for (let i = 0; i < 6; i++) sed.addDrive(`/dev/sd${'abcdef'[i]}`, `S4EVNX0R${100000 + i}`);
  sed.addDrive('/dev/sdz', 'WD-WCC4N0000001', 'none');

  t = await buildTestApp({ sed });
  await t.createUser('olivia', 'operator');
  await t.createUser('sam', 'security-officer');
  op = await t.login('olivia', 'olivia-password-123');
  so = await t.login('sam', 'sam-password-123');
  await op.agent.post('/api/sed-drives/discovery').set('X-CSRF-Token', op.csrf).expect(200);
});
afterAll(async () => {
  await t.close();
});

describe('SED workflows over REST', () => {
  it('discovers drives by serial, marking non-SEDs unsupported', async () => {
    const res = await op.agent.get('/api/sed-drives?limit=50').expect(200);
    expect(res.body.total).toBe(7);
    const nonSed = res.body.drives.find((d: { serial: string }) => d.serial === 'WD-WCC4N0000001');
    expect(nonSed).toMatchObject({ state: 'unsupported', devicePath: '/dev/sdz', host: 'lab-host-1' });
    const paged = await op.agent.get('/api/sed-drives?limit=2&offset=2&state=discovered').expect(200);
    expect(paged.body).toMatchObject({ total: 6 });
    expect(paged.body.drives).toHaveLength(2);
    const enroll = await op.agent
      .post(`/api/sed-drives/${nonSed.id}/enrollment`)
      .set('X-CSRF-Token', op.csrf);
    expect(enroll.status).toBe(409);
    expect(enroll.body.error.code).toBe('SED_NOT_SUPPORTED');
  });

  it('enrolls: escrows both credentials first, owns, activates, enables locking, MBR off', async () => {
    const done = await enroll('S4EVNX0R100000');
    expect(done.state).toBe('succeeded');
    const drive = await driveBySerial('S4EVNX0R100000');
    expect(drive).toMatchObject({
      state: 'enrolled',
      lockingEnabled: true,
      hasCredentials: true,
      mbrEnabled: false,
    });
    // Read with Admin1 at the end of enrollment (a query cannot list ranges).
    expect(drive.ranges[0]).toMatchObject({ readLockEnabled: true, writeLockEnabled: true });
    expect(drive.rangesReadAt).not.toBeNull();
    const sim = sed.drives.get('/dev/sda')!;
    expect(sim.sid).not.toBe(sim.msid);
    expect(sim.admin1).not.toBe(sim.sid);
    const calls = sed.calls.join(',');
    expect(calls.indexOf('takeOwnership')).toBeLessThan(calls.indexOf('activateLockingSp'));
    const row = (await t.store.sedDrives.findBySerial('S4EVNX0R100000'))!;
    for (const id of [row.sidSecretId!, row.admin1SecretId!])
      expect((await t.store.secrets.find(id))?.state).toBe('active');
    const everything = JSON.stringify([t.logs, (await op.agent.get('/api/audit?limit=500')).body, drive]);
    expect(everything).not.toContain(sim.admin1!);
    expect(everything).not.toContain(sim.sid);
  });

  it('locks, stays locked over a power cycle, unlocks, and audits each', async () => {
    const drive = await driveBySerial('S4EVNX0R100000');
    const locked = await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'LK' })
      .expect(200);
    expect(locked.body.locked).toBe(true);
    sed.powerCycle();
    expect((await op.agent.get(`/api/sed-drives/${drive.id}`)).body.locked).toBe(true);
    const unlocked = await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'RW' })
      .expect(200);
    expect(unlocked.body).toMatchObject({ locked: false });
    const actions = (await t.store.audit.list({ limit: 50 })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['sed.lock', 'sed.unlock']));
  });

  it('reads the locking ranges with Admin1 for operators, audited, and refreshes them after a lock', async () => {
    const drive = await driveBySerial('S4EVNX0R100000');
    const row = (await t.store.sedDrives.find(drive.id))!;
    const listed = sed.calls.filter((c) => c === 'listRanges').length;
    const res = await op.agent
      .post(`/api/sed-drives/${drive.id}/ranges/refresh`)
      .set('X-CSRF-Token', op.csrf)
      .expect(200);
    expect(sed.calls.filter((c) => c === 'listRanges').length - listed).toBe(1);
    expect(res.body.ranges).toEqual([
      {
        range: 0,
        start: 0,
        length: 0,
        readLockEnabled: true,
        writeLockEnabled: true,
        readLocked: false,
        writeLocked: false,
      },
    ]);
    expect(res.body).toMatchObject({ locked: false, rangesReadAt: expect.any(String) });
    expect((await op.agent.get(`/api/sed-drives/${drive.id}`)).body.ranges).toEqual(res.body.ranges);
    const [read] = await t.store.audit.list({ limit: 1, action: 'sed.ranges.read' });
    expect(read).toMatchObject({ actor: 'olivia', target: `sed:${drive.serial}`, outcome: 'success' });
    const uses = await t.store.audit.list({ limit: 5, action: 'secret.use' });
    expect(uses[0]).toMatchObject({
      target: `secret:${row.admin1SecretId}`,
      details: { use: 'process', purpose: 'read locking ranges' },
    });

    // A lock change reads them back (one more sedutil command); unlock-all does not.
    const locked = await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'RO' })
      .expect(200);
    expect(locked.body.ranges[0]).toMatchObject({ readLocked: false, writeLocked: true });
    expect(locked.body.locked).toBe(true);
    await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'RW' })
      .expect(200);

    const auditor = await t.createUser('aude', 'auditor').then(() => t.login('aude', 'aude-password-123'));
    const denied = await auditor.agent
      .post(`/api/sed-drives/${drive.id}/ranges/refresh`)
      .set('X-CSRF-Token', auditor.csrf);
    expect(denied.status).toBe(403);
    const fresh = await driveBySerial('S4EVNX0R100005');
    const notEnrolled = await op.agent
      .post(`/api/sed-drives/${fresh.id}/ranges/refresh`)
      .set('X-CSRF-Token', op.csrf);
    expect(notEnrolled.status).toBe(409);
    expect(notEnrolled.body.error.code).toBe('SED_NOT_ENROLLED');
  });

  it('a refused range read is reported once, audited, and leaves the last ranges', async () => {
    const drive = await driveBySerial('S4EVNX0R100000');
    const sim = sed.drives.get('/dev/sda')!;
    const real = sim.admin1;
    sim.admin1 = 'changed-behind-our-back';
    const before = sed.calls.filter((c) => c === 'listRanges').length;
    const res = await op.agent
      .post(`/api/sed-drives/${drive.id}/ranges/refresh`)
      .set('X-CSRF-Token', op.csrf);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('SED_AUTH_FAILED');
    expect(sed.calls.filter((c) => c === 'listRanges').length - before).toBe(1);
    expect(sim.tries).toBe(1);
    const [failed] = await t.store.audit.list({ limit: 1, action: 'sed.ranges.read' });
    expect(failed).toMatchObject({ outcome: 'failure', details: { error: 'SED_AUTH_FAILED' } });
    expect((await op.agent.get(`/api/sed-drives/${drive.id}`)).body.ranges).toHaveLength(1);
    sim.admin1 = real;
    sim.tries = 0;
  });

  it('rotates credentials two-phase; the new Admin1 unlocks, the old is deactivated', async () => {
    const drive = await driveBySerial('S4EVNX0R100000');
    const before = (await t.store.sedDrives.find(drive.id))!;
    const denied = await op.agent.post(`/api/sed-drives/${drive.id}/rotation`).set('X-CSRF-Token', op.csrf);
    expect(denied.status).toBe(403);
    const res = await so.agent
      .post(`/api/sed-drives/${drive.id}/rotation`)
      .set('X-CSRF-Token', so.csrf)
      .expect(202);
    const rotated = await job(res.body.id);
    expect(
      rotated,
      t.logs
        .filter((l) => l.includes('job failed'))
        .join('\n')
        .slice(0, 3000),
    ).toMatchObject({ state: 'succeeded' });
    const after = (await t.store.sedDrives.find(drive.id))!;
    expect(after.admin1SecretId).not.toBe(before.admin1SecretId);
    expect(after.sidSecretId).not.toBe(before.sidSecretId);
    expect((await t.store.secrets.find(before.admin1SecretId!))?.state).toBe('deactivated');
    await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'LK' })
      .expect(200);
    await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'RW' })
      .expect(200);
  });

  it('refuses a drive owned by someone else and discards the credentials it never accepted', async () => {
    sed.addDrive('/dev/sdy', 'S4EVNX0R199999');
    sed.drives.get('/dev/sdy')!.sid = 'someone-elses-sid';
    await op.agent.post('/api/sed-drives/discovery').set('X-CSRF-Token', op.csrf).expect(200);
    const done = await enroll('S4EVNX0R199999');
    expect(done).toMatchObject({ state: 'failed', errorCode: 'SED_ALREADY_OWNED' });
    const row = (await t.store.sedDrives.findBySerial('S4EVNX0R199999'))!;
    expect(row).toMatchObject({
      state: 'enroll-failed',
      pendingSidSecretId: null,
      pendingAdmin1SecretId: null,
    });
    const admin = await t.login();
    const discarded = (await admin.agent.get('/api/audit?action=secret.discard&limit=10').expect(200)).body
      .events;
    expect(discarded).toHaveLength(2);
    for (const e of discarded as { target: string }[])
      expect((await t.store.secrets.find(e.target.replace('secret:', '')))?.state).toBe('destroyed');
  });

  it('a wrong credential gives a clear error, is not retried, and changes nothing', async () => {
    await enroll('S4EVNX0R100001');
    const drive = await driveBySerial('S4EVNX0R100001');
    const sim = sed.drives.get('/dev/sdb')!;
    const real = sim.admin1;
    sim.admin1 = 'changed-behind-our-back';
    const before = sed.calls.filter((c) => c === 'setLockingRange').length;
    const res = await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'LK' });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('SED_AUTH_FAILED');
    expect(sed.calls.filter((c) => c === 'setLockingRange').length - before).toBe(1);
    expect(sim.rl).toBe(false);
    sim.admin1 = real;
    sim.tries = 0;
  });

  it('refuses when the device path now holds another drive', async () => {
    const drive = await driveBySerial('S4EVNX0R100001');
    const b = sed.drives.get('/dev/sdb')!;
    const c = sed.drives.get('/dev/sdc')!;
    sed.drives.set('/dev/sdb', c);
    sed.drives.set('/dev/sdc', b);
    const res = await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'LK' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('SED_IDENTITY_MISMATCH');
    expect(b.rl || c.rl).toBe(false);
    await op.agent.post('/api/sed-drives/discovery').set('X-CSRF-Token', op.csrf).expect(200);
    expect((await driveBySerial('S4EVNX0R100001')).devicePath).toBe('/dev/sdc');
    await op.agent
      .post(`/api/sed-drives/${drive.id}/lock-state`)
      .set('X-CSRF-Token', op.csrf)
      .send({ mode: 'LK' })
      .expect(200);
  });

  it('unlocks all drives of a host as a job with per-drive results', async () => {
    await enroll('S4EVNX0R100003');
    await enroll('S4EVNX0R100004');
    sed.powerCycle();
    sed.faults.push({
      method: 'setLockingRange',
      after: sed.calls.filter((c) => c === 'setLockingRange').length + 1,
      error: new DriverError('SED_SP_BUSY', 'SP_BUSY'),
    });
    const res = await op.agent
      .post('/api/sed-drives/unlock-all')
      .set('X-CSRF-Token', op.csrf)
      .send({ host: 'lab-host-1' })
      .expect(202);
    const done = await job(res.body.id);
    expect(done).toMatchObject({ state: 'succeeded', total: 4, failedItems: 1 });
    const outcomes = Object.values(done.cursor.results as Record<string, string>);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(3);
    expect(outcomes).toContain('SED_BUSY');
  });

  it("reveals one drive's Admin1 password for stock sedutil-cli only with a second person, once", async () => {
    const drive = await driveBySerial('S4EVNX0R100003');
    const req = await op.agent
      .post(`/api/sed-drives/${drive.id}/break-glass`)
      .set('X-CSRF-Token', op.csrf)
      .send({ reason: 'console down in DR site' });
    expect(req.status).toBe(202);
    const mine = await op.agent.get('/api/approvals').expect(200);
    expect(mine.body.approvals.map((x: { requestedBy: string }) => x.requestedBy)).toEqual(['olivia']);
    const history = await so.agent.get(`/api/audit?target=sed:${drive.serial}&limit=100`).expect(200);
    expect(history.body.events.length).toBeGreaterThan(2);
    expect(history.body.events.every((e: { target: string }) => e.target === `sed:${drive.serial}`)).toBe(
      true,
    );
    const early = await op.agent
      .post(`/api/sed-drives/${drive.id}/break-glass/${req.body.id}/reveal`)
      .set('X-CSRF-Token', op.csrf);
    expect(early.status).toBe(409);
    const self = await op.agent
      .post(`/api/approvals/${req.body.id}/approve`)
      .set('X-CSRF-Token', op.csrf)
      .send({});
    expect(self.status).toBe(403);
    await so.agent
      .post(`/api/approvals/${req.body.id}/approve`)
      .set('X-CSRF-Token', so.csrf)
      .send({ note: 'verified by phone' })
      .expect(200);
    const other = await so.agent
      .post(`/api/sed-drives/${drive.id}/break-glass/${req.body.id}/reveal`)
      .set('X-CSRF-Token', so.csrf);
    expect(other.status).toBe(409);
    const reveal = await op.agent
      .post(`/api/sed-drives/${drive.id}/break-glass/${req.body.id}/reveal`)
      .set('X-CSRF-Token', op.csrf)
      .expect(200);
    expect(reveal.headers['cache-control']).toBe('no-store');
    expect(reveal.body.admin1Password).toBe(sed.drives.get(drive.devicePath)!.admin1);
    expect(reveal.body.unlockCommand).toContain(`--setLockingRange 0 RW`);
    const again = await op.agent
      .post(`/api/sed-drives/${drive.id}/break-glass/${req.body.id}/reveal`)
      .set('X-CSRF-Token', op.csrf);
    expect(again.status).toBe(409);
    const audit = (await t.store.audit.list({ limit: 100, action: 'sed.break-glass.reveal' })).map(
      (a) => a.outcome,
    );
    expect(audit).toEqual(expect.arrayContaining(['success', 'denied']));
    expect(t.logs.join('\n')).not.toContain(reveal.body.admin1Password);
  });
});
