import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatedScsiTransport } from '../../hardware-sims/scsi/emulated-transport.ts';
import { createCartridge } from '../../hardware-sims/tape/cartridge.ts';
import { TapeFleet } from '../../hardware-sims/tape/fleet.ts';
import type { LtoDriveEmulator } from '../../hardware-sims/tape/lto-drive-emulator.ts';
import { ScsiTapeLibrary } from '../../server/drivers/library/scsi-tape-library.ts';
import { ScsiTapeDrive } from '../../server/drivers/tape/scsi-tape-drive.ts';
import { randomBytes } from 'node:crypto';
import { isDriverError } from '../../server/drivers/core/driver-error.ts';
import { Secret } from '../../server/drivers/core/secret.ts';
import type { TapeFleetPort } from '../../server/services/tape/tape-port.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import type { MemoryHsm } from '../helpers/memory-hsm.ts';

/**
 * Issue 6 end to end against the emulators, through REST: pools, bulk enrollment, key
 * delivery at mount, reading back through Lockwarden, and the failures that must change
 * nothing. The drives and library run the real drivers over in-process transports; the
 * "backup application" writing and reading data is a second I_T nexus on the same drive.
 */
let t: TestApp;
let sim: TapeFleet;
let so: Awaited<ReturnType<TestApp['login']>>;
let op: Awaited<ReturnType<TestApp['login']>>;
let libSerial: string;

const lto9 = () => sim.drives.find((d) => d.model.generation === 9)!;

function port(fleet: TapeFleet): TapeFleetPort {
  return {
    drives: fleet.drives.map((d, i) => ({
      ref: `sim:nst${i}`,
      driver: new ScsiTapeDrive({ transport: new EmulatedScsiTransport(d) }),
    })),
    libraries: fleet.libraries.map((l, i) => ({
      ref: `sim:sch${i}`,
      driver: new ScsiTapeLibrary({ transport: new EmulatedScsiTransport(l) }),
    })),
  };
}

/** A backup application on its own nexus: it never sees a key, only data. */
async function app(drive: LtoDriveEmulator) {
  const d = new ScsiTapeDrive({ transport: new EmulatedScsiTransport(drive) });
  await d.open();
  return d;
}

async function job(id: string) {
  return waitFor(async () => {
    const res = await op.agent.get(`/api/jobs/${id}`);
    return ['succeeded', 'failed', 'cancelled'].includes(res.body.state) ? res.body : undefined;
  }, 30_000);
}

function post(who: typeof op, path: string, body: unknown = {}) {
  return who.agent
    .post(path)
    .set('X-CSRF-Token', who.csrf)
    .send(body as object);
}

async function enroll(source: unknown, preview = false) {
  return post(op, '/api/tape/enrollments', { librarySerial: libSerial, source, preview });
}

async function cartridge(barcode: string) {
  return (await op.agent.get(`/api/tape/cartridges/${barcode}`).expect(200)).body;
}

beforeAll(async () => {
  sim = TapeFleet.create('small-lab');
  t = await buildTestApp({ tape: port(sim) });
  await t.createUser('sam', 'security-officer');
  await t.createUser('olivia', 'operator');
  so = await t.login('sam', 'sam-password-123');
  op = await t.login('olivia', 'olivia-password-123');
  await post(op, '/api/tape/refresh').expect(200);
  libSerial = sim.libraries[0]!.state.serial;
  const pool = await post(so, `/api/tape/libraries/${libSerial}/pools`, {
    name: 'LTO-9 data',
    selector: { kind: 'range', from: 'A00000L9', to: 'A00999L9' },
  });
  expect(pool.status).toBe(201);
});
afterAll(async () => {
  await t.close();
});

describe('pools', () => {
  it('registers the library with its own key domain and lists the pool', async () => {
    const pools = (await op.agent.get(`/api/tape/pools?library=${libSerial}`).expect(200)).body.pools;
    expect(pools).toEqual([
      expect.objectContaining({
        name: 'LTO-9 data',
        volserFrom: 'A00000',
        volserTo: 'A00999',
        mediaId: 'L9',
      }),
    ]);
    const domains = (await so.agent.get('/api/key-domains').expect(200)).body;
    expect(JSON.stringify(domains)).toContain(`tape-${libSerial.toLowerCase()}`);
  });

  it.each([
    [{ kind: 'range', from: 'A00500L9', to: 'A01500L9' }, /overlaps pool "LTO-9 data"/],
    [{ kind: 'range', from: 'A00900L9', to: 'A00100L9' }, /overlaps|starts after it ends/],
    [{ kind: 'range', from: 'B00000L8', to: 'B00999L9' }, /one media id/],
    [{ kind: 'range', from: 'X00000LQ', to: 'X00999LQ' }, /unknown media id/],
    [{ kind: 'prefix', prefix: 'CLN' }, /cleaning/],
    [{ kind: 'media', mediaId: 'Q7' }, /unknown media id/],
  ])('refuses %j with a clear error and creates nothing', async (selector, message) => {
    const res = await post(so, `/api/tape/libraries/${libSerial}/pools`, {
      name: `bad ${Math.random()}`.slice(0, 20),
      selector,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    const pools = (await op.agent.get('/api/tape/pools').expect(200)).body.pools;
    expect(pools).toHaveLength(1);
  });

  it('lets only key administrators define pools', async () => {
    const res = await post(op, `/api/tape/libraries/${libSerial}/pools`, {
      name: 'nope',
      selector: { kind: 'prefix', prefix: 'Z' },
    });
    expect(res.status).toBe(403);
  });
});

describe('bulk enrollment', () => {
  it('previews, enrolls a range with one active key per cartridge, and is idempotent', async () => {
    const preview = await enroll({ kind: 'range', from: 'A00001L9', to: 'A00030L9' }, true);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      preview: { total: 30, toEnroll: 30, alreadyEnrolled: 0 },
      job: null,
    });
    expect((await op.agent.get('/api/tape/cartridges').expect(200)).body.total).toBe(0);

    const started = await enroll({ kind: 'range', from: 'A00001L9', to: 'A00030L9' });
    expect(started.status).toBe(202);
    const done = await job(started.body.job.id);
    expect(done).toMatchObject({ state: 'succeeded', done: 30, total: 30, failedItems: 0 });
    const page = (await op.agent.get('/api/tape/cartridges?limit=100').expect(200)).body;
    expect(page.total).toBe(30);
    expect(new Set(page.cartridges.map((c: { keyRef: string }) => c.keyRef)).size).toBe(30);
    expect(page.cartridges[0]).toMatchObject({ state: 'enrolled', keyState: 'active' });
    expect(page.cartridges[0].keyRef).toMatch(/^LW-[0-9A-F]{16}$/);

    const again = await enroll({ kind: 'range', from: 'A00001L9', to: 'A00030L9' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ preview: { alreadyEnrolled: 30, toEnroll: 0 }, job: null });
  });

  it('enrolls what the library holds, skipping cleaning cartridges and barcodes no pool covers', async () => {
    const preview = (await enroll({ kind: 'inventory' }, true)).body.preview;
    // small-lab: A00001–A00024 (L9) are in the library and already enrolled; B… (L8), W… (LZ), C… (L7) have no pool.
    expect(preview).toMatchObject({ total: 24, alreadyEnrolled: 24, toEnroll: 0 });
    expect(preview.skipped).toBeGreaterThanOrEqual(2 + 16 + 2 + 2);
  });

  it('shares one key per pool and period under a per-pool policy', async () => {
    await post(so, `/api/tape/libraries/${libSerial}/pools`, {
      name: 'LTO-8 archive',
      selector: { kind: 'prefix', prefix: 'B', mediaId: 'L8' },
      keyPolicy: 'per-pool',
      keyPeriodDays: 30,
    }).expect(201);
    const started = await enroll({ kind: 'inventory' });
    expect(started.status).toBe(202);
    expect(started.body.preview).toMatchObject({ toEnroll: 16 });
    await job(started.body.job.id);
    const b = (await op.agent.get('/api/tape/cartridges?search=B&limit=100').expect(200)).body;
    expect(b.total).toBe(16);
    expect(new Set(b.cartridges.map((c: { keyRef: string }) => c.keyRef)).size).toBe(1);
  });

  it.each([
    ['a malformed line', 'barcode\nA00100L9\nnot-a-barcode\n', /bad line/],
    ['a duplicate barcode', 'A00100L9\nA00101L9\nA00100L9\n', /bad line/],
    ['a cleaning cartridge', 'A00100L9\nCLN001L1\n', /bad line/],
    ['a barcode outside every pool', 'A00100L9\nZ00001L9\n', /in no pool/],
  ])('refuses a CSV with %s and enrolls nothing', async (_what, csv, message) => {
    const before = (await op.agent.get('/api/tape/cartridges').expect(200)).body.total;
    const res = await enroll({ kind: 'csv', csv });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.details.length).toBeGreaterThan(0);
    expect((await op.agent.get('/api/tape/cartridges').expect(200)).body.total).toBe(before);
  });

  it('enrolls a clean CSV', async () => {
    const res = await enroll({
      kind: 'csv',
      csv: 'barcode\nA00100L9\r\nA00101L9\n# comment\n\nA00102L9;note\n',
    });
    expect(res.status).toBe(202);
    expect(res.body.preview.toEnroll).toBe(3);
    expect(await job(res.body.job.id)).toMatchObject({ state: 'succeeded', done: 3 });
  });
});

describe('key delivery', () => {
  const data = [Buffer.from('first record'), Buffer.from('second record'), Buffer.from('third')];
  let keyRef: string;

  it('mounts, sets the cartridge key with CKOD and its key reference, and activates the key', async () => {
    const res = await post(op, '/api/tape/cartridges/A00001L9/mount', {
      driveSerial: lto9().serial,
      purpose: 'write',
    });
    expect(res.status).toBe(200);
    keyRef = (await cartridge('A00001L9')).keyRef;
    expect(res.body).toMatchObject({
      barcode: 'A00001L9',
      keyRef,
      encrypting: true,
      decryptionMode: 'decrypt',
    });
    expect(await cartridge('A00001L9')).toMatchObject({ state: 'in-use', keyState: 'active' });
    const backup = await app(lto9());
    expect(await backup.getEncryptionStatus()).toMatchObject({ encrypting: true, keyId: keyRef });
    await backup.rewind();
    for (const block of data) await backup.writeBlock(block);
    await backup.writeFilemarks(1);
    await backup.close();
    const audit = (await t.login()).agent;
    const delivered = (await audit.get('/api/audit?action=tape.key.deliver').expect(200)).body.events;
    expect(delivered[0]).toMatchObject({
      outcome: 'success',
      target: 'cartridge:A00001L9',
      details: { keyRef },
    });
    expect(JSON.stringify(delivered)).not.toMatch(/"key"\s*:/);
  });

  it('clears the key at unload: a read without Lockwarden fails with the drive’s decryption sense', async () => {
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
    await post(op, `/api/tape/libraries/${libSerial}/mount`, {
      barcode: 'A00001L9',
      driveSerial: lto9().serial,
    }).expect(200);
    const backup = await app(lto9());
    expect(await backup.getEncryptionStatus()).toMatchObject({
      encrypting: false,
      decryptionMode: 'disabled',
    });
    await backup.rewind();
    const err = await backup.readBlock(64 * 1024).catch((e: unknown) => e);
    expect(isDriverError(err, 'TAPE_DECRYPTION_DISABLED')).toBe(true);
    expect(await backup.getNextBlockStatus()).toMatchObject({
      state: 'encrypted-key-missing',
      keyId: keyRef,
    });
    await backup.close();
  });

  it('reads back through Lockwarden: the block’s KAD names the key, which is set for decryption', async () => {
    const res = await post(op, '/api/tape/cartridges/A00001L9/mount', {
      driveSerial: lto9().serial,
      purpose: 'read',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ keyRef, decryptionMode: 'decrypt' });
    const backup = await app(lto9());
    await backup.rewind();
    for (const block of data)
      expect(await backup.readBlock(64 * 1024)).toEqual({ kind: 'data', data: new Uint8Array(block) });
    await backup.close();
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
  });

  it('refuses a cartridge swapped after mount: no key is set', async () => {
    await post(op, `/api/tape/libraries/${libSerial}/mount`, {
      barcode: 'A00003L9',
      driveSerial: lto9().serial,
    }).expect(200);
    const before = (await (await app(lto9())).getEncryptionStatus()).keyInstanceCounter;
    const err = await t.services
      .tape!.delivery.deliver('A00002L9', lto9().serial, 'write', { actor: 'olivia', requestId: null })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TAPE_IDENTITY_MISMATCH' });
    expect((err as Error).message).toMatch(/holds A00003L9, not A00002L9/);
    expect((await (await app(lto9())).getEncryptionStatus()).keyInstanceCounter).toBe(before);
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
  });

  it('gives a scratched cartridge a fresh key at its next write and deactivates the old one', async () => {
    await post(so, '/api/tape/cartridges/A00001L9/scratch').expect(200);
    const res = await post(op, '/api/tape/cartridges/A00001L9/mount', { driveSerial: lto9().serial });
    expect(res.status).toBe(200);
    expect(res.body.keyRef).not.toBe(keyRef);
    expect(await cartridge('A00001L9')).toMatchObject({
      state: 'in-use',
      keyRef: res.body.keyRef,
      keyState: 'active',
    });
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
  });

  it('reports clearly that a cartridge was written under a destroyed key', async () => {
    // A00004L9 written under its key, then the key crypto-shredded (as #7's approved destroy does).
    await post(op, '/api/tape/cartridges/A00004L9/mount', { driveSerial: lto9().serial }).expect(200);
    const backup = await app(lto9());
    await backup.rewind();
    await backup.writeBlock(Buffer.from('doomed'));
    await backup.close();
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
    const cart = await cartridge('A00004L9');
    const key = await t.store.tape.findKey(cart.keyRef);
    const ctx = { actor: 'sam', requestId: null };
    await t.services.secrets.transition(key!.secretId, 'deactivate', ctx);
    await t.services.secrets.destroy(key!.secretId, { ...ctx, approvalId: 'test-approval' });
    const res = await post(op, '/api/tape/cartridges/A00004L9/mount', {
      driveSerial: lto9().serial,
      purpose: 'read',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'TAPE_KEY_DESTROYED' });
    expect(res.body.error.message).toContain(cart.keyRef);
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
  });

  it('refuses to deliver a key for a cartridge that is not enrolled', async () => {
    const res = await post(op, '/api/tape/cartridges/W00001LZ/mount', { driveSerial: lto9().serial });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('TAPE_NOT_ENROLLED');
    expect(lto9().cartridge).toBeNull();
  });
});

describe('verification and foreign keys', () => {
  it('finds each cartridge encrypted under the expected key, blank, or under a key Lockwarden never gave', async () => {
    // A00006L9 written through Lockwarden; A00005L9 written by someone who set their own key.
    await post(op, '/api/tape/cartridges/A00006L9/mount', { driveSerial: lto9().serial }).expect(200);
    let backup = await app(lto9());
    await backup.rewind();
    await backup.writeBlock(Buffer.from('good'));
    await backup.close();
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
    await post(op, `/api/tape/libraries/${libSerial}/mount`, {
      barcode: 'A00005L9',
      driveSerial: lto9().serial,
    }).expect(200);
    backup = await app(lto9());
    const foreign = new Secret(randomBytes(32));
    await backup.setEncryptionKey({ key: foreign, keyId: 'FOREIGN-KEY-1' });
    foreign.dispose();
    await backup.rewind();
    await backup.writeBlock(Buffer.from('rogue'));
    await backup.close();
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);

    const res = await post(op, '/api/tape/verifications', {
      librarySerial: libSerial,
      barcodes: ['A00002L9', 'A00005L9', 'A00006L9'],
    });
    expect(res.status).toBe(202);
    expect(await job(res.body.id)).toMatchObject({ state: 'succeeded', done: 3, failedItems: 1 });
    expect(await cartridge('A00002L9')).toMatchObject({ verifyResult: 'blank' });
    expect((await cartridge('A00005L9')).verifyResult).toMatch(/^other-key: encrypted under FOREIGN-KEY-1/);
    expect(await cartridge('A00006L9')).toMatchObject({ verifyResult: 'ok' });
    expect(sim.drives.every((d) => d.cartridge === null)).toBe(true);
  });

  it('reports a tape written under an unknown key clearly', async () => {
    const res = await post(op, '/api/tape/cartridges/A00005L9/mount', {
      driveSerial: lto9().serial,
      purpose: 'read',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('TAPE_KEY_UNKNOWN');
    expect(res.body.error.message).toContain('FOREIGN-KEY-1');
    await post(op, `/api/tape/libraries/${libSerial}/unmount`, { driveSerial: lto9().serial }).expect(200);
  });

  it('refuses to verify cartridges that are not enrolled', async () => {
    const res = await post(op, '/api/tape/verifications', {
      librarySerial: libSerial,
      barcodes: ['W00001LZ'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ path: 'W00001LZ' });
  });
});

describe('auto-enrollment at the I/E port', () => {
  it('enrolls cartridges an operator imports, when the library has it switched on', async () => {
    const lib = sim.libraries[0]!;
    lib.operatorImport(0, createCartridge('A00500L9'));
    lib.operatorImport(1, createCartridge('Z00001L9'));
    await post(op, '/api/tape/refresh').expect(200);
    expect((await op.agent.get('/api/tape/cartridges/A00500L9')).status).toBe(409);

    const denied = await op.agent
      .patch(`/api/tape/libraries/${libSerial}/settings`)
      .set('X-CSRF-Token', op.csrf)
      .send({ autoEnrollImports: true });
    expect(denied.status).toBe(403);
    await so.agent
      .patch(`/api/tape/libraries/${libSerial}/settings`)
      .set('X-CSRF-Token', so.csrf)
      .send({ autoEnrollImports: true })
      .expect(200);
    await post(op, '/api/tape/refresh').expect(200);
    const enrolled = await waitFor(async () => {
      const res = await op.agent.get('/api/tape/cartridges/A00500L9');
      return res.status === 200 ? res.body : undefined;
    });
    expect(enrolled).toMatchObject({ state: 'enrolled', keyState: 'active' });
    expect((await op.agent.get('/api/tape/cartridges/Z00001L9')).status).toBe(409);
    lib.operatorRemove(0);
    lib.operatorRemove(1);
  });
});

describe('cancelling an enrollment', () => {
  it('stops at a batch boundary, leaves every committed cartridge whole, and a re-run enrolls the rest', async () => {
    await post(so, `/api/tape/libraries/${libSerial}/pools`, {
      name: 'D delivery',
      selector: { kind: 'range', from: 'D00000L9', to: 'D02999L9' },
    }).expect(201);
    const hsm = t.hsm as MemoryHsm;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = (hsm.calls.get('generateWrappedSecrets') ?? 0) + 1;
    // The first batch (of 1,000) goes through; the second, already requested, waits.
    hsm.beforeGenerate = (call) => (call > first ? held : Promise.resolve());
    let ended: Record<string, unknown>;
    try {
      const started = await enroll({ kind: 'range', from: 'D00000L9', to: 'D02999L9' });
      expect(started.status).toBe(202);
      const id = started.body.job.id as string;
      await waitFor(async () => {
        const res = await op.agent.get(`/api/jobs/${id}`);
        return res.body.done >= 1000 ? true : undefined;
      });
      await post(op, `/api/jobs/${id}/cancel`).expect(200);
      release();
      ended = await job(id);
    } finally {
      hsm.beforeGenerate = undefined;
      release();
    }
    expect(ended).toMatchObject({ state: 'cancelled' });
    expect(ended.done).toBeLessThan(3000);
    const partial = (await op.agent.get('/api/tape/cartridges?search=D0&limit=1').expect(200)).body.total;
    expect(partial).toBe(ended.done);

    const rerun = await enroll({ kind: 'range', from: 'D00000L9', to: 'D02999L9' });
    expect(rerun.body.preview).toMatchObject({ alreadyEnrolled: partial, toEnroll: 3000 - partial });
    await job(rerun.body.job.id);
    const keys = new Set<string>();
    for (let offset = 0; offset < 3000; offset += 500) {
      const page = (
        await op.agent.get(`/api/tape/cartridges?search=D0&limit=500&offset=${offset}`).expect(200)
      ).body;
      expect(page.total).toBe(3000);
      for (const c of page.cartridges as { keyRef: string }[]) keys.add(c.keyRef);
    }
    expect(keys.size).toBe(3000);
  });
});
