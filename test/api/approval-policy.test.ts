import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import type { Clock } from '../../server/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { MemorySed } from '../helpers/memory-sed.ts';

/**
 * Issue 7, dual control policy: admins set per action how many approvers besides the
 * requester a request needs and how long it stays valid. The policy cannot be switched off
 * or set beyond the people who could satisfy it; every change is audited; a request keeps the
 * policy it was made under; each approver votes once and the last vote approves.
 */
let t: TestApp;
let sed: MemorySed;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
type Login = Awaited<ReturnType<TestApp['login']>>;
let admin: Login;
let olivia: Login;
let sam: Login;
let tom: Login;

function send(who: Login, method: 'post' | 'put', path: string, body: unknown = {}) {
  return who.agent[method](path)
    .set('X-CSRF-Token', who.csrf)
    .send(body as object);
}

async function policyOf(action: string) {
  const res = await olivia.agent.get('/api/approval-policies').expect(200);
  return res.body.policies.find((p: { action: string }) => p.action === action);
}

async function requestRevert(serial: string) {
  const res = await send(olivia, 'post', '/api/erase/requests', {
    method: 'sed-revert',
    targets: { kind: 'sed-drives', serials: [serial] },
    schedule: { kind: 'now' },
    reason: 'disk leaves service',
  }).expect(201);
  return res.body as { id: string; approvalId: string };
}

async function enroll(serial: string) {
  const list = await olivia.agent.get(`/api/sed-drives?search=${serial}`).expect(200);
  const res = await send(olivia, 'post', `/api/sed-drives/${list.body.drives[0].id}/enrollment`).expect(202);
  await waitFor(async () =>
    (await olivia.agent.get(`/api/jobs/${res.body.id}`)).body.state === 'succeeded' ? true : undefined,
  );
}

beforeAll(async () => {
  sed = new MemorySed();
  for (const n of [1, 2, 3]) sed.addDrive(`/dev/sd${'abc'[n - 1]}`, `S4EVNX0R40000${n}`);
  t = await buildTestApp({ sed, clock });
  await t.createUser('olivia', 'operator');
  await t.createUser('sam', 'security-officer');
  admin = await t.login();
  olivia = await t.login('olivia', 'olivia-password-123');
  sam = await t.login('sam', 'sam-password-123');
  await send(olivia, 'post', '/api/sed-drives/discovery').expect(200);
  for (const n of [1, 2, 3]) await enroll(`S4EVNX0R40000${n}`);
});
afterAll(async () => {
  await t.close();
});

describe('approval policy', () => {
  it('is one approver for 24 hours by default, and everyone can read it', async () => {
    expect(await policyOf('erase.schedule')).toMatchObject({
      approvers: 1,
      expiryHours: 24,
      updatedBy: null,
      eligibleApprovers: 2,
      label: expect.stringMatching(/Crypto-erase/),
    });
    const actions = (await olivia.agent.get('/api/approval-policies').expect(200)).body.policies.map(
      (p: { action: string }) => p.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['erase.schedule', 'kek.destroy', 'secret.destroy']));
  });

  it('is set by admins only, never to zero, never beyond the people who could approve; a refusal changes nothing', async () => {
    await send(olivia, 'put', '/api/approval-policies/erase.schedule', {
      approvers: 2,
      expiryHours: 4,
    }).expect(403);
    await send(sam, 'put', '/api/approval-policies/erase.schedule', { approvers: 2, expiryHours: 4 }).expect(
      403,
    );
    const zero = await send(admin, 'put', '/api/approval-policies/erase.schedule', {
      approvers: 0,
      expiryHours: 4,
    }).expect(400);
    expect(zero.body.error.message).toMatch(/approvers/);
    await send(admin, 'put', '/api/approval-policies/no.such-action', {
      approvers: 1,
      expiryHours: 4,
    }).expect(400);
    const tooMany = await send(admin, 'put', '/api/approval-policies/erase.schedule', {
      approvers: 3,
      expiryHours: 4,
    }).expect(409);
    expect(tooMany.body.error).toMatchObject({ code: 'APPROVAL_POLICY_UNSATISFIABLE' });
    expect(await policyOf('erase.schedule')).toMatchObject({
      approvers: 1,
      expiryHours: 24,
      updatedBy: null,
    });
  });

  it('applies to requests made after the change, which then need every vote', async () => {
    const before = await requestRevert('S4EVNX0R400001');
    await t.createUser('tom', 'security-officer');
    tom = await t.login('tom', 'tom-password-123');
    const set = await send(admin, 'put', '/api/approval-policies/erase.schedule', {
      approvers: 2,
      expiryHours: 4,
    }).expect(200);
    expect(set.body).toMatchObject({
      approvers: 2,
      expiryHours: 4,
      updatedBy: 'admin',
      eligibleApprovers: 3,
    });
    const [changed] = await t.store.audit.list({ limit: 1, action: 'approval.policy' });
    expect(changed).toMatchObject({
      actor: 'admin',
      details: {
        action: 'erase.schedule',
        before: { approvers: 1, expiryHours: 24 },
        after: { approvers: 2, expiryHours: 4 },
      },
    });

    // Made before the change: one approval still does.
    const approvedBefore = await send(sam, 'post', `/api/approvals/${before.approvalId}/approve`).expect(200);
    expect(approvedBefore.body).toMatchObject({ state: 'executed', requiredApprovers: 1 });

    const r = await requestRevert('S4EVNX0R400002');
    const first = await send(sam, 'post', `/api/approvals/${r.approvalId}/approve`, {
      note: 'checked',
    }).expect(200);
    expect(first.body).toMatchObject({
      state: 'pending',
      requiredApprovers: 2,
      validHours: 4,
      votes: [{ approver: 'sam', note: 'checked' }],
    });
    expect((await olivia.agent.get(`/api/erase/requests/${r.id}`).expect(200)).body.state).toBe(
      'pending-approval',
    );
    const again = await send(sam, 'post', `/api/approvals/${r.approvalId}/approve`).expect(409);
    expect(again.body.error).toMatchObject({ code: 'APPROVAL_ALREADY_GIVEN' });
    expect(again.body.error.message).toMatch(/needs 1 more/);
    await send(olivia, 'post', `/api/approvals/${r.approvalId}/approve`).expect(403);

    const second = await send(tom, 'post', `/api/approvals/${r.approvalId}/approve`).expect(200);
    expect(second.body).toMatchObject({ state: 'executed', decidedBy: 'tom' });
    expect(second.body.votes.map((v: { approver: string }) => v.approver)).toEqual(['sam', 'tom']);
    const done = await waitFor(async () => {
      const res = await olivia.agent.get(`/api/erase/requests/${r.id}`);
      return res.body.state === 'completed' ? res.body : undefined;
    });
    expect(done.approvedBy).toBe('sam, tom');
    const cert = (await sam.agent.get(`/api/certificates/${done.items[0].certificateId}`).expect(200)).body;
    expect(cert.document.people).toMatchObject({ requester: 'olivia', approvers: ['sam', 'tom'] });
    expect(verifyCertificate(cert)).toMatchObject({ ok: true });
  });

  it('expires a request after the policy’s hours, and a late vote changes nothing', async () => {
    const r = await requestRevert('S4EVNX0R400003');
    await send(sam, 'post', `/api/approvals/${r.approvalId}/approve`).expect(200);
    offsetMs += 4 * 3_600_000 + 1000;
    // Hours later everyone has signed in again.
    [admin, olivia, sam, tom] = await Promise.all([
      t.login(),
      t.login('olivia', 'olivia-password-123'),
      t.login('sam', 'sam-password-123'),
      t.login('tom', 'tom-password-123'),
    ]);
    const late = await send(tom, 'post', `/api/approvals/${r.approvalId}/approve`).expect(409);
    expect(late.body.error).toMatchObject({ code: 'APPROVAL_EXPIRED' });
    await waitFor(async () =>
      (await olivia.agent.get(`/api/erase/requests/${r.id}`)).body.state === 'cancelled' ? true : undefined,
    );
    expect(sed.generations.get('/dev/sdc')).toBeUndefined();
  });

  it('expires a request nobody decided, audited, when the sweep runs', async () => {
    const r = await requestRevert('S4EVNX0R400003');
    offsetMs += 4 * 3_600_000 + 1000;
    expect(await t.services.approvals.expireDue()).toBe(1);
    expect(await t.services.approvals.expireDue()).toBe(0);
    const [expired] = await t.store.audit.list({ limit: 1, action: 'approval.expire' });
    expect(expired).toMatchObject({ actor: 'system', details: { approvalId: r.approvalId } });
    await waitFor(async () =>
      (await t.store.erase.findRequest(r.id))?.state === 'cancelled' ? true : undefined,
    );
  });

  it('refuses a request nobody could approve, saying why', async () => {
    [admin, sam] = await Promise.all([t.login(), t.login('sam', 'sam-password-123')]);
    await send(admin, 'put', '/api/approval-policies/erase.schedule', {
      approvers: 3,
      expiryHours: 4,
    }).expect(200);
    // Three may approve (admin, sam, tom), but sam asking leaves two.
    const res = await send(sam, 'post', '/api/erase/requests', {
      method: 'sed-revert',
      targets: { kind: 'sed-drives', serials: ['S4EVNX0R400003'] },
      schedule: { kind: 'now' },
      reason: 'disk leaves service',
    }).expect(409);
    expect(res.body.error).toMatchObject({ code: 'APPROVAL_POLICY_UNSATISFIABLE' });
    expect(res.body.error.message).toMatch(/needs 3 approver\(s\) besides you, and only 2/);
  });
});
