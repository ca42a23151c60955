import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { MemorySed } from '../helpers/memory-sed.ts';

/**
 * Issue 7, drives: an Opal revert requested by one person, approved by a security officer,
 * run, verified (Locking SP inactive, the MSID opens the SID again), credentials destroyed and
 * a signed certificate; a drive swapped after approval is refused and nothing is erased.
 */
let t: TestApp;
let sed: MemorySed;
type Login = Awaited<ReturnType<TestApp['login']>>;
let olivia: Login;
let sam: Login;

function post(who: Login, path: string, body: unknown = {}) {
  return who.agent
    .post(path)
    .set('X-CSRF-Token', who.csrf)
    .send(body as object);
}

async function finished(id: string) {
  return waitFor(async () => {
    const res = await olivia.agent.get(`/api/erase/requests/${id}`);
    return ['completed', 'failed', 'cancelled'].includes(res.body.state) ? res.body : undefined;
  }, 30_000);
}

async function enroll(serial: string) {
  const list = await olivia.agent.get(`/api/sed-drives?search=${serial}`).expect(200);
  const res = await post(olivia, `/api/sed-drives/${list.body.drives[0].id}/enrollment`).expect(202);
  await waitFor(async () => {
    const j = await olivia.agent.get(`/api/jobs/${res.body.id}`);
    return j.body.state === 'succeeded' ? true : undefined;
  });
}

async function requestRevert(serials: string[]) {
  const res = await post(olivia, '/api/erase/requests', {
    method: 'sed-revert',
    targets: { kind: 'sed-drives', serials },
    schedule: { kind: 'now' },
    reason: 'disk leaves service',
  });
  expect(res.status).toBe(201);
  await post(sam, `/api/approvals/${res.body.approvalId}/approve`, { note: 'ok' }).expect(200);
  return res.body.id as string;
}

beforeAll(async () => {
  sed = new MemorySed();
  sed.addDrive('/dev/sda', 'S4EVNX0R200001');
  sed.addDrive('/dev/sdb', 'S4EVNX0R200002');
  sed.addDrive('/dev/sdc', 'S4EVNX0R200003');
  t = await buildTestApp({ sed });
  await t.createUser('olivia', 'operator');
  await t.createUser('sam', 'security-officer');
  olivia = await t.login('olivia', 'olivia-password-123');
  sam = await t.login('sam', 'sam-password-123');
  await post(olivia, '/api/sed-drives/discovery').expect(200);
  await enroll('S4EVNX0R200001');
  await enroll('S4EVNX0R200002');
  await enroll('S4EVNX0R200003');
});
afterAll(async () => {
  await t.close();
});

describe('Opal revert at retirement', () => {
  it('reverts, verifies factory state, destroys the escrowed credentials and signs a certificate', async () => {
    const before = await t.store.sedDrives.findBySerial('S4EVNX0R200001');
    const id = await requestRevert(['S4EVNX0R200001']);
    const r = await finished(id);
    expect(r.state).toBe('completed');
    expect(r.items[0]).toMatchObject({ state: 'erased', certificateId: expect.any(String) });
    expect(r.items[0].result).toMatch(/Locking SP inactive \(factory\); the MSID opens/);
    expect(sed.generations.get('/dev/sda')).toBe(1);
    const sim = sed.drives.get('/dev/sda')!;
    expect(sim.sid).toBe(sim.msid);
    for (const secretId of [before!.sidSecretId!, before!.admin1SecretId!])
      expect((await t.store.secrets.find(secretId))?.state).toBe('destroyed');
    expect(await t.store.sedDrives.findBySerial('S4EVNX0R200001')).toMatchObject({
      state: 'discovered',
      sidSecretId: null,
    });
    const cert = (await sam.agent.get(`/api/certificates/${r.items[0].certificateId}`).expect(200)).body;
    expect(cert.document).toMatchObject({
      media: { serialNumber: 'S4EVNX0R200001' },
      sanitization: { category: 'Purge' },
      verification: { result: 'passed' },
      people: { requester: 'olivia', approvers: ['sam'] },
    });
    expect(verifyCertificate(cert)).toMatchObject({ ok: true });
  });

  it('refuses a drive swapped for another after approval, and erases nothing', async () => {
    const res = await post(olivia, '/api/erase/requests', {
      method: 'sed-revert',
      targets: { kind: 'sed-drives', serials: ['S4EVNX0R200002'] },
      schedule: { kind: 'at', at: new Date(Date.now() + 1500).toISOString() },
      reason: 'swap test',
    }).expect(201);
    await post(sam, `/api/approvals/${res.body.approvalId}/approve`, { note: 'ok' }).expect(200);
    // Someone moves another disk into the slot before the window.
    sed.drives.delete('/dev/sdb');
    sed.addDrive('/dev/sdb', 'WD-INTRUDER-0001');
    const r = await finished(res.body.id);
    expect(r.state).toBe('failed');
    expect(r.items[0].state).toBe('failed');
    expect(r.items[0].result).toMatch(/SED_IDENTITY_MISMATCH: .*WD-INTRUDER-0001.*S4EVNX0R200002/);
    expect(sed.generations.get('/dev/sdb')).toBeUndefined();
    expect((await t.store.sedDrives.findBySerial('S4EVNX0R200002'))?.state).toBe('enrolled');
  });

  it('refuses drives that are not enrolled', async () => {
    const res = await post(olivia, '/api/erase/requests', {
      method: 'sed-revert',
      targets: { kind: 'sed-drives', serials: ['S4EVNX0R200001'] },
      schedule: { kind: 'now' },
      reason: 'again',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ path: 'S4EVNX0R200001' });
  });

  it('refuses an approval that no longer matches the items it was given for, and erases nothing', async () => {
    const res = await post(olivia, '/api/erase/requests', {
      method: 'sed-revert',
      targets: { kind: 'sed-drives', serials: ['S4EVNX0R200003'] },
      schedule: { kind: 'at', at: new Date(Date.now() + 1500).toISOString() },
      reason: 'binding test',
    }).expect(201);
    await post(sam, `/api/approvals/${res.body.approvalId}/approve`, { note: 'ok' }).expect(200);
    // Someone with database access points the approved item at another drive.
    await t.store.kysely
      .updateTable('erase_items')
      .set({ identity: 'S4EVNX0R200001' })
      .where('request_id', '=', res.body.id)
      .execute();
    const r = await finished(res.body.id);
    expect(r.state).toBe('failed');
    expect(r.items[0].state).toBe('pending');
    const [refused] = await t.store.audit.list({ limit: 1, action: 'erase.refused' });
    expect(refused?.details).toMatchObject({
      reason: 'the approval was given for other devices or another method',
    });
    expect(sed.generations.get('/dev/sdc')).toBeUndefined();
    expect((await t.store.sedDrives.findBySerial('S4EVNX0R200003'))?.state).toBe('enrolled');
  });
});
