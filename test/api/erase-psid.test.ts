import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { MemorySed } from '../helpers/memory-sed.ts';

/**
 * Issue 7, PSID revert: for a drive whose credentials are lost (owned by someone else, or an
 * escrow that no longer opens it). Requested and approved like every erase; when it is due an
 * operator types the PSID from the label. The PSID is never stored, logged, audited or echoed;
 * a wrong one changes nothing and is not retried; the right one reverts, is verified, destroys
 * whatever was escrowed and yields a certificate naming the operator.
 */
let t: TestApp;
let sed: MemorySed;
type Login = Awaited<ReturnType<TestApp['login']>>;
let olivia: Login;
let sam: Login;
let audrey: Login;

const OWNED = 'S4EVNX0R300001'; // taken by someone else before Lockwarden saw it
const ENROLLED = 'S4EVNX0R300002'; // enrolled, then its escrow is considered lost
const FACTORY = 'S4EVNX0R300003'; // never owned: locking never activated

function post(who: Login, path: string, body: unknown = {}) {
  return who.agent
    .post(path)
    .set('X-CSRF-Token', who.csrf)
    .send(body as object);
}

async function requestPsidRevert(serial: string, schedule: unknown = { kind: 'now' }) {
  const res = await post(olivia, '/api/erase/requests', {
    method: 'sed-psid-revert',
    targets: { kind: 'sed-drives', serials: [serial] },
    schedule,
    reason: 'credentials lost; disk leaves service',
  });
  expect(res.status).toBe(201);
  await post(sam, `/api/approvals/${res.body.approvalId}/approve`, { note: 'label checked' }).expect(200);
  const detail = (await olivia.agent.get(`/api/erase/requests/${res.body.id}`).expect(200)).body;
  return { id: detail.id as string, itemId: detail.items[0].id as string, detail };
}

/** The label's PSID as people type it: lower case, in groups with dashes. */
function typed(psid: string): string {
  return psid.toLowerCase().replace(/(.{4})(?!$)/g, '$1-');
}

beforeAll(async () => {
  sed = new MemorySed();
  sed.addDrive('/dev/sda', OWNED);
  sed.addDrive('/dev/sdb', ENROLLED);
  sed.addDrive('/dev/sdc', FACTORY);
  const owned = sed.drives.get('/dev/sda')!;
  owned.sid = 'somebody-elses-sid';
  owned.lspActive = true;
  t = await buildTestApp({ sed });
  await t.createUser('olivia', 'operator');
  await t.createUser('sam', 'security-officer');
  await t.createUser('audrey', 'auditor');
  olivia = await t.login('olivia', 'olivia-password-123');
  sam = await t.login('sam', 'sam-password-123');
  audrey = await t.login('audrey', 'audrey-password-123');
  await post(olivia, '/api/sed-drives/discovery').expect(200);
  const list = await olivia.agent.get(`/api/sed-drives?search=${ENROLLED}`).expect(200);
  const job = await post(olivia, `/api/sed-drives/${list.body.drives[0].id}/enrollment`).expect(202);
  await waitFor(async () =>
    (await olivia.agent.get(`/api/jobs/${job.body.id}`)).body.state === 'succeeded' ? true : undefined,
  );
});
afterAll(async () => {
  await t.close();
});

describe('PSID revert', () => {
  it('is the only way to erase a drive without escrowed credentials', async () => {
    const res = await post(olivia, '/api/erase/requests', {
      method: 'sed-revert',
      targets: { kind: 'sed-drives', serials: [OWNED] },
      schedule: { kind: 'now' },
      reason: 'try the SID',
    }).expect(400);
    expect(res.body.error.message).toMatch(/not an enrolled drive.*a PSID revert needs none/);
  });

  it('waits for the operator once approved, refuses a malformed PSID without echoing it, and a wrong one changes nothing', async () => {
    const { id, itemId, detail } = await requestPsidRevert(OWNED);
    expect(detail).toMatchObject({ state: 'scheduled', jobId: null, approvedBy: 'sam' });
    expect(detail.items[0]).toMatchObject({ state: 'pending', identity: OWNED });

    const path = `/api/erase/requests/${id}/items/${itemId}/psid-revert`;
    const malformed = await post(olivia, path, { psid: 'NOT-A-PSID-12' }).expect(400);
    expect(JSON.stringify(malformed.body)).not.toContain('NOT-A-PSID-12');
    await post(audrey, path, { psid: MemorySed.psidOf(OWNED) }).expect(403);

    const wrong = 'Z'.repeat(32);
    const refused = await post(olivia, path, { psid: wrong }).expect(502);
    expect(refused.body.error).toMatchObject({ code: 'SED_AUTH_FAILED' });
    expect(refused.body.error.message).toMatch(/did not accept the PSID; nothing was erased/);
    expect(JSON.stringify(refused.body)).not.toContain(wrong);
    expect(sed.calls.filter((c) => c === 'psidRevert')).toHaveLength(1);
    expect(sed.generations.get('/dev/sda')).toBeUndefined();
    const after = (await olivia.agent.get(`/api/erase/requests/${id}`).expect(200)).body;
    expect(after.items[0].state).toBe('pending');
    expect(after.state).toBe('scheduled');
  });

  it('reverts with the PSID as typed from the label, verifies factory state and certifies it, naming the operator', async () => {
    const list = (await olivia.agent.get('/api/erase/requests').expect(200)).body.requests;
    const open = list.find((r: { method: string; state: string }) => r.method === 'sed-psid-revert');
    const detail = (await olivia.agent.get(`/api/erase/requests/${open.id}`).expect(200)).body;
    const psid = MemorySed.psidOf(OWNED);
    const res = await post(olivia, `/api/erase/requests/${open.id}/items/${detail.items[0].id}/psid-revert`, {
      psid: typed(psid),
    }).expect(200);
    expect(res.body).toMatchObject({ state: 'erased', certificateId: expect.any(String) });
    expect(res.body.result).toMatch(/Locking SP inactive \(factory\); the MSID opens/);
    const sim = sed.drives.get('/dev/sda')!;
    expect(sim.sid).toBe(sim.msid);
    expect(sed.generations.get('/dev/sda')).toBe(1);
    expect((await olivia.agent.get(`/api/erase/requests/${open.id}`).expect(200)).body.state).toBe(
      'completed',
    );

    const cert = (await sam.agent.get(`/api/certificates/${res.body.certificateId}`).expect(200)).body;
    expect(cert.document).toMatchObject({
      media: { serialNumber: OWNED },
      sanitization: { category: 'Purge', method: expect.stringMatching(/PSID from the drive label/) },
      people: { requester: 'olivia', approvers: ['sam'], operator: 'olivia' },
      references: { jobId: null },
    });
    expect(verifyCertificate(cert)).toMatchObject({ ok: true });

    // The PSID is nowhere: not in the log, the audit trail or any table.
    const audit = JSON.stringify(await t.store.kysely.selectFrom('audit_events').selectAll().execute());
    const files = ['lockwarden.db', 'lockwarden.db-wal']
      .map((f) => path.join(t.dir, f))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'));
    for (const text of [t.logs.join(''), audit, ...files]) {
      expect(text).not.toContain(psid);
      expect(text).not.toContain(typed(psid));
      expect(text).not.toContain('Z'.repeat(32));
    }
    expect(audit).toContain('erase.psid-revert');
  });

  it('destroys the escrowed credentials of an enrolled drive it reverts', async () => {
    const before = await t.store.sedDrives.findBySerial(ENROLLED);
    const { id, itemId } = await requestPsidRevert(ENROLLED);
    await post(olivia, `/api/erase/requests/${id}/items/${itemId}/psid-revert`, {
      psid: MemorySed.psidOf(ENROLLED),
    }).expect(200);
    for (const secretId of [before!.sidSecretId!, before!.admin1SecretId!])
      expect((await t.store.secrets.find(secretId))?.state).toBe('destroyed');
    expect(await t.store.sedDrives.findBySerial(ENROLLED)).toMatchObject({
      state: 'discovered',
      sidSecretId: null,
      admin1SecretId: null,
    });
  });

  it('refuses a drive whose locking was never activated: a revert would leave its data readable', async () => {
    const { id, itemId } = await requestPsidRevert(FACTORY);
    const res = await post(olivia, `/api/erase/requests/${id}/items/${itemId}/psid-revert`, {
      psid: MemorySed.psidOf(FACTORY),
    }).expect(409);
    expect(res.body.error.message).toMatch(
      /Locking SP of .* is not active: a revert would leave its data readable/,
    );
    expect(sed.generations.get('/dev/sdc')).toBeUndefined();
    const after = (await olivia.agent.get(`/api/erase/requests/${id}`).expect(200)).body;
    expect(after.items[0]).toMatchObject({ state: 'pending', certificateId: null });
    await post(olivia, `/api/erase/requests/${id}/cancel`).expect(200);
  });

  it('cannot be run before its time, while it can still be cancelled', async () => {
    const sim = sed.drives.get('/dev/sda')!;
    sim.sid = 'owned-again';
    sim.lspActive = true;
    const { id, itemId } = await requestPsidRevert(OWNED, {
      kind: 'at',
      at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const early = await post(olivia, `/api/erase/requests/${id}/items/${itemId}/psid-revert`, {
      psid: MemorySed.psidOf(OWNED),
    }).expect(409);
    expect(early.body.error.message).toMatch(/scheduled for .*can still be cancelled/);
    expect(sed.generations.get('/dev/sda')).toBe(1);
    await post(olivia, `/api/erase/requests/${id}/cancel`).expect(200);
  });
});
