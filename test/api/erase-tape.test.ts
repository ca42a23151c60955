import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatedScsiTransport } from '../../hardware-sims/scsi/emulated-transport.ts';
import { TapeFleet } from '../../hardware-sims/tape/fleet.ts';
import { ScsiTapeLibrary } from '../../server/drivers/library/scsi-tape-library.ts';
import { ScsiTapeDrive } from '../../server/drivers/tape/scsi-tape-drive.ts';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';

/**
 * Issue 7, cartridges: a crypto-shred of a barcode range scheduled in the next maintenance
 * window, approved by a second person, run when the (test) clock reaches the window, verified
 * by mounting, with a signed certificate per cartridge. Requester and approver are two users.
 */
let now = new Date('2026-12-03T10:00:00Z'); // a Thursday
const clock = { now: () => now };
let t: TestApp;
let sim: TapeFleet;
let libSerial: string;
type Login = Awaited<ReturnType<TestApp['login']>>;
let olivia: Login;
let sam: Login;

const lto9 = () => sim.drives.find((d) => d.model.generation === 9)!;

function post(who: Login, path: string, body: unknown = {}) {
  return who.agent
    .post(path)
    .set('X-CSRF-Token', who.csrf)
    .send(body as object);
}

async function job(who: Login, id: string) {
  return waitFor(async () => {
    const res = await who.agent.get(`/api/jobs/${id}`);
    return ['succeeded', 'failed', 'cancelled'].includes(res.body.state) ? res.body : undefined;
  }, 30_000);
}

/** Moves the clock, lets the job runner look, and logs both users in again (sessions age too). */
async function advanceTo(iso: string) {
  now = new Date(iso);
  t.services.jobs.wake();
  olivia = await t.login('olivia', 'olivia-password-123');
  sam = await t.login('sam', 'sam-password-123');
}

beforeAll(async () => {
  sim = TapeFleet.create('small-lab');
  t = await buildTestApp({
    clock,
    tape: {
      drives: sim.drives.map((d, i) => ({
        ref: `sim:nst${i}`,
        driver: new ScsiTapeDrive({ transport: new EmulatedScsiTransport(d) }),
      })),
      libraries: sim.libraries.map((l, i) => ({
        ref: `sim:sch${i}`,
        driver: new ScsiTapeLibrary({ transport: new EmulatedScsiTransport(l) }),
      })),
    },
  });
  await t.createUser('olivia', 'operator');
  await t.createUser('sam', 'security-officer');
  olivia = await t.login('olivia', 'olivia-password-123');
  sam = await t.login('sam', 'sam-password-123');
  await post(olivia, '/api/tape/refresh').expect(200);
  libSerial = sim.libraries[0]!.state.serial;
  await post(sam, `/api/tape/libraries/${libSerial}/pools`, {
    name: 'LTO-9',
    selector: { kind: 'range', from: 'A00000L9', to: 'A00999L9' },
  }).expect(201);
  const enrolled = await post(olivia, '/api/tape/enrollments', {
    librarySerial: libSerial,
    source: { kind: 'range', from: 'A00001L9', to: 'A00010L9' },
  }).expect(202);
  await job(olivia, enrolled.body.job.id);
  // Data on A00001L9, written under its key through Lockwarden.
  await post(olivia, '/api/tape/cartridges/A00001L9/mount', { driveSerial: lto9().serial }).expect(200);
  const app = new ScsiTapeDrive({ transport: new EmulatedScsiTransport(lto9()) });
  await app.open();
  await app.rewind();
  await app.writeBlock(Buffer.from('payroll 2019'));
  await app.close();
  await post(olivia, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
});
afterAll(async () => {
  await t.close();
});

describe('crypto-shredding cartridges in the next maintenance window', () => {
  let requestId: string;
  let approvalId: string;

  it('is requested by one person and cannot be approved by them', async () => {
    const res = await post(olivia, '/api/erase/requests', {
      method: 'tape-shred',
      targets: { kind: 'cartridge-range', from: 'A00001L9', to: 'A00003L9' },
      schedule: { kind: 'window', cron: '0 2 * * SAT', timeZone: 'Europe/Berlin' },
      reason: 'retired after the 2019 archive expired',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'pending-approval', itemCount: 3, runAt: null });
    requestId = res.body.id;
    approvalId = res.body.approvalId;
    const self = await post(olivia, `/api/approvals/${approvalId}/approve`, { note: 'me' });
    expect(self.status).toBe(403);
  });

  it('is scheduled for the window once a security officer approves', async () => {
    await post(sam, `/api/approvals/${approvalId}/approve`, { note: 'checked the retention list' }).expect(
      200,
    );
    const r = (await olivia.agent.get(`/api/erase/requests/${requestId}`).expect(200)).body;
    // Next Saturday 02:00 in Berlin (UTC+1 in December).
    expect(r).toMatchObject({ state: 'scheduled', approvedBy: 'sam', runAt: '2026-12-05T01:00:00.000Z' });
    expect(r.items.map((i: { identity: string; state: string }) => [i.identity, i.state])).toEqual([
      ['A00001L9', 'pending'],
      ['A00002L9', 'pending'],
      ['A00003L9', 'pending'],
    ]);
    t.services.jobs.wake();
    await new Promise((r) => setTimeout(r, 200));
    expect((await olivia.agent.get(`/api/erase/requests/${requestId}`).expect(200)).body.state).toBe(
      'scheduled',
    );
  });

  it('runs when the window opens: keys destroyed, verified by mounting, one certificate per cartridge', async () => {
    await advanceTo('2026-12-05T01:00:30Z');
    const r = await waitFor(async () => {
      const res = await olivia.agent.get(`/api/erase/requests/${requestId}`);
      return ['completed', 'failed'].includes(res.body.state) ? res.body : undefined;
    }, 30_000);
    expect(r.state).toBe('completed');
    for (const item of r.items) {
      expect(item).toMatchObject({ state: 'erased', certificateId: expect.any(String) });
      expect(item.result).toMatch(/^verified: key LW-[0-9A-F]{16} destroyed/);
    }
    expect(r.items[0].result).toMatch(/cannot be decrypted/);
    const cart = (await olivia.agent.get('/api/tape/cartridges/A00001L9').expect(200)).body;
    expect(cart).toMatchObject({ state: 'retired', keyState: 'destroyed' });
    const read = await post(olivia, '/api/tape/cartridges/A00001L9/mount', {
      driveSerial: lto9().serial,
      purpose: 'read',
    });
    expect(read.body.error).toMatchObject({ code: 'TAPE_KEY_DESTROYED' });
    await post(olivia, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(
      200,
    );

    const cert = (await sam.agent.get(`/api/certificates/${r.items[0].certificateId}`).expect(200)).body;
    expect(cert.document).toMatchObject({
      media: { serialNumber: 'A00001L9' },
      sanitization: { category: 'Purge' },
      verification: { result: 'passed' },
      people: { requester: 'olivia', approvers: ['sam'] },
    });
    expect(verifyCertificate(cert)).toMatchObject({ ok: true });
    const tampered = structuredClone(cert);
    tampered.document.media.serialNumber = 'A00009L9';
    expect(verifyCertificate(tampered)).toMatchObject({ ok: false });
  });

  it('refuses to run an approval that went stale, and erases nothing', async () => {
    const res = await post(olivia, '/api/erase/requests', {
      method: 'tape-shred',
      targets: { kind: 'cartridges', barcodes: ['A00005L9'] },
      schedule: { kind: 'at', at: '2026-12-06T12:00:00Z' },
      reason: 'late test',
    }).expect(201);
    await post(sam, `/api/approvals/${res.body.approvalId}/approve`, { note: 'ok' }).expect(200);
    const scheduled = (await olivia.agent.get(`/api/erase/requests/${res.body.id}`)).body;
    await advanceTo('2026-12-08T12:00:00Z'); // two days late: the console was down
    const done = await job(olivia, scheduled.jobId);
    expect(done).toMatchObject({ state: 'failed', errorCode: 'APPROVAL_EXPIRED' });
    expect((await olivia.agent.get('/api/tape/cartridges/A00005L9').expect(200)).body).toMatchObject({
      state: 'enrolled',
      keyState: 'active',
    });
  });

  it('refuses unknown cartridges and can be cancelled before it runs', async () => {
    const bad = await post(olivia, '/api/erase/requests', {
      method: 'tape-shred',
      targets: { kind: 'cartridges', barcodes: ['A00500L9'] },
      schedule: { kind: 'now' },
      reason: 'typo',
    });
    expect(bad.status).toBe(400);
    const res = await post(olivia, '/api/erase/requests', {
      method: 'tape-shred',
      targets: { kind: 'cartridges', barcodes: ['A00006L9'] },
      schedule: { kind: 'window', cron: '0 2 * * SAT', timeZone: 'UTC' },
      reason: 'to be cancelled',
    }).expect(201);
    await post(sam, `/api/approvals/${res.body.approvalId}/approve`, { note: 'ok' }).expect(200);
    const cancelled = await post(olivia, `/api/erase/requests/${res.body.id}/cancel`).expect(200);
    expect(cancelled.body.state).toBe('cancelled');
    await advanceTo('2026-12-12T02:00:30Z');
    await new Promise((r) => setTimeout(r, 300));
    expect((await olivia.agent.get('/api/tape/cartridges/A00006L9').expect(200)).body.keyState).toBe(
      'active',
    );
  });
});
