import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failNext } from '../../hardware-sims/scsi/behaviors.ts';
import { TapeFleet } from '../../hardware-sims/tape/fleet.ts';
import { serveTapeFleet } from '../../hardware-sims/tape/serve-fleet.ts';
import { loadConfig } from '../../server/config.ts';
import { OPCODE } from '../../server/drivers/scsi/opcodes.ts';
import { openTapeFleet, type OpenedTapeFleet } from '../../server/registry/tape-factory.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

/**
 * Tape libraries and drives over REST, against the small-lab emulators served on Unix
 * sockets (the frame format), reached through the registry's `socket` driver kind: the same
 * code path as a console talking to `npm run sims -- serve`.
 */
let t: TestApp;
let sim: TapeFleet;
let served: Awaited<ReturnType<typeof serveTapeFleet>>;
let opened: OpenedTapeFleet;
let sockDir: string;
let op: Awaited<ReturnType<TestApp['login']>>;
let auditor: Awaited<ReturnType<TestApp['login']>>;
let admin: Awaited<ReturnType<TestApp['login']>>;
let libSerial: string;

const lib = () => sim.libraries[0]!;
const lto9 = () => sim.drives.find((d) => d.model.generation === 9)!;
const lto8 = () => sim.drives.find((d) => d.model.generation === 8)!;

async function refresh() {
  await op.agent.post('/api/tape/refresh').set('X-CSRF-Token', op.csrf).expect(200);
}
async function drive(serial: string) {
  return (await op.agent.get(`/api/tape/drives/${serial}`).expect(200)).body;
}
async function inventory() {
  return (await op.agent.get(`/api/tape/libraries/${libSerial}`).expect(200)).body;
}
function mount(barcode: string, driveSerial: string) {
  return op.agent
    .post(`/api/tape/libraries/${libSerial}/mount`)
    .set('X-CSRF-Token', op.csrf)
    .send({ barcode, driveSerial });
}
function unmount(driveSerial: string) {
  return op.agent
    .post(`/api/tape/libraries/${libSerial}/unmount`)
    .set('X-CSRF-Token', op.csrf)
    .send({ driveSerial });
}
async function auditOf(action: string) {
  const res = await admin.agent.get(`/api/audit?action=${action}&limit=50`).expect(200);
  return res.body.events as { outcome: string; target: string; details: Record<string, unknown> }[];
}

beforeAll(async () => {
  sockDir = mkdtempSync(path.join(tmpdir(), 'lw-tape-'));
  sim = TapeFleet.create('small-lab');
  served = await serveTapeFleet(sim, sockDir);
  opened = await openTapeFleet(
    loadConfig({ LOCKWARDEN_TAPE_KIND: 'socket', LOCKWARDEN_TAPE_SOCKET_DIR: sockDir }),
  );
  t = await buildTestApp({ tape: opened.port });
  await t.createUser('olivia', 'operator');
  await t.createUser('audrey', 'auditor');
  op = await t.login('olivia', 'olivia-password-123');
  auditor = await t.login('audrey', 'audrey-password-123');
  admin = await t.login();
  await refresh();
  libSerial = lib().state.serial;
});
afterAll(async () => {
  await t.close();
  await opened.close();
  await served.close();
  rmSync(sockDir, { recursive: true, force: true });
});

describe('tape libraries and drives over REST', () => {
  it('lists libraries and drives with identity, capabilities and status', async () => {
    const libs = (await auditor.agent.get('/api/tape/libraries').expect(200)).body.libraries;
    expect(libs).toHaveLength(1);
    expect(libs[0]).toMatchObject({
      serial: libSerial,
      vendor: lib().model.vendor,
      reachable: true,
      doorOpen: false,
      counts: { slots: 60, drives: 4, importExport: 5, loadedDrives: 0, cleaning: 2 },
    });
    const drives = (await auditor.agent.get('/api/tape/drives').expect(200)).body.drives;
    expect(drives).toHaveLength(4);
    const d9 = drives.find((d: { serial: string }) => d.serial === lto9().serial);
    expect(d9).toMatchObject({
      vendor: lto9().model.vendor,
      product: lto9().model.product,
      reachable: true,
      library: { serial: libSerial },
      encryption: { supported: true, hostControlled: true, algorithmIndex: 1 },
      medium: { loaded: false, condition: 'no-medium' },
      status: { encrypting: false, decryptionMode: 'disabled', keyId: null },
    });
    const fleet = (await auditor.agent.get('/api/fleet').expect(200)).body;
    expect(fleet.classes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ deviceClass: 'tape-drive', available: true, deviceCount: 4 }),
        expect.objectContaining({ deviceClass: 'tape-library', available: true, deviceCount: 1 }),
      ]),
    );
  });

  it('shows the slot map with barcodes, media and drive serials', async () => {
    const inv = await inventory();
    const slot1 = inv.elements.find((e: { kind: string }) => e.kind === 'storage');
    expect(slot1).toMatchObject({ full: true, barcode: 'A00001L9', mediaId: 'L9', generation: 9 });
    expect(
      inv.elements
        .filter((e: { kind: string }) => e.kind === 'drive')
        .map((e: { driveSerial: string }) => e.driveSerial),
    ).toEqual(expect.arrayContaining(sim.drives.map((d) => d.serial)));
    const cleaning = inv.elements.filter((e: { cartridgeKind: string }) => e.cartridgeKind === 'cleaning');
    expect(cleaning.map((e: { mediumType: string }) => e.mediumType)).toEqual(['cleaning', 'cleaning']);
  });

  it('mounts and unmounts through the robot, audited, and the drive sees the cartridge', async () => {
    const res = await mount('A00001L9', lto9().serial).expect(200);
    expect(res.body).toMatchObject({ barcode: 'A00001L9', library: { counts: { loadedDrives: 1 } } });
    expect(lto9().cartridge?.barcode).toBe('A00001L9');
    await refresh();
    expect((await drive(lto9().serial)).medium).toMatchObject({ loaded: true, barcode: 'A00001L9' });

    const back = await unmount(lto9().serial).expect(200);
    expect(back.body).toMatchObject({ barcode: 'A00001L9', destination: res.body.source });
    expect(lto9().cartridge).toBeNull();
    const mounts = await auditOf('tape.mount');
    expect(mounts[0]).toMatchObject({
      outcome: 'success',
      target: 'cartridge:A00001L9',
      details: { library: libSerial, drive: lto9().serial, destination: res.body.destination },
    });
    expect((await auditOf('tape.unmount'))[0]).toMatchObject({
      outcome: 'success',
      target: 'cartridge:A00001L9',
    });
  });

  it('refuses a full destination with the decoded sense and moves nothing', async () => {
    await mount('A00002L9', lto9().serial).expect(200);
    const before = await inventory();
    const res = await mount('A00003L9', lto9().serial).expect(409);
    expect(res.body.error.code).toBe('LIBRARY_DESTINATION_FULL');
    expect(res.body.error.details).toEqual([{ path: 'sense', message: expect.stringMatching(/^5\/3B\/0D/) }]);
    expect((await inventory()).elements).toEqual(before.elements);
    expect((await auditOf('tape.mount'))[0]).toMatchObject({
      outcome: 'failure',
      target: 'cartridge:A00003L9',
      details: { error: 'LIBRARY_DESTINATION_FULL', sense: expect.stringMatching(/^5\/3B\/0D/) },
    });
    await unmount(lto9().serial).expect(200);
  });

  it('refuses an LTO-9 cartridge in an LTO-8 drive', async () => {
    const res = await mount('A00004L9', lto8().serial).expect(409);
    expect(res.body.error.code).toBe('TAPE_INCOMPATIBLE_MEDIUM');
    expect(lto8().cartridge).toBeNull();
  });

  it('reports an open door as not ready, live, and moves nothing', async () => {
    const seen: unknown[] = [];
    const onUpdate = (d: { id: string; [key: string]: unknown }) => {
      if (d.kind === 'tape-library') seen.push(d);
    };
    t.services.events.on('device:updated', onUpdate);
    lib().openDoor();
    await refresh();
    expect((await inventory()).library.doorOpen).toBe(true);
    expect(seen).toEqual([expect.objectContaining({ serial: libSerial, doorOpen: true })]);
    const res = await mount('A00005L9', lto9().serial).expect(409);
    expect(res.body.error).toMatchObject({ code: 'TAPE_NOT_READY', details: [{ path: 'sense' }] });
    expect(res.body.error.details[0].message).toMatch(/^2\/04\/03/);
    expect(lto9().cartridge).toBeNull();
    lib().closeDoor();
    await refresh();
    t.services.events.off('device:updated', onUpdate);
    expect((await inventory()).library.doorOpen).toBe(false);
  });

  it('shows an encryption sense on the status query as the drive error, with the sense decoded', async () => {
    const senses: [number, number, number, string][] = [
      [7, 0x74, 0x00, 'TAPE_ENCRYPTION_ERROR'],
      [5, 0x74, 0x21, 'TAPE_ENCRYPTION_ERROR'],
      [7, 0x74, 0x62, 'TAPE_ENCRYPTION_ERROR'],
      [2, 0x04, 0x03, 'TAPE_NOT_READY'],
    ];
    for (const [senseKey, asc, ascq, code] of senses) {
      const remove = lto8().addBehavior(
        failNext({ senseKey, asc, ascq }, { opcode: OPCODE.SECURITY_PROTOCOL_IN, count: 10 }),
      );
      await refresh();
      remove();
      const d = await drive(lto8().serial);
      expect(d).toMatchObject({ reachable: false, error: { code } });
      const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
      expect(d.error.message).toContain(`${hex(asc)}`);
      expect(d.error.message).toMatch(
        new RegExp(`${hex(asc)}h?/${hex(ascq)}|${hex(asc)}${hex(ascq)}|ASC`, 'i'),
      );
      await refresh();
      expect(await drive(lto8().serial)).toMatchObject({ reachable: true, error: null });
    }
  });

  it('a vanished drive socket is unreachable and an unmount from it moves nothing', async () => {
    await mount('A00006L9', lto9().serial).expect(200);
    const index = sim.drives.indexOf(lto9());
    await served.closeOne(`nst${index}.sock`);
    await refresh();
    expect(await drive(lto9().serial)).toMatchObject({
      reachable: false,
      error: { code: 'TAPE_UNREACHABLE' },
    });
    const res = await unmount(lto9().serial).expect(503);
    expect(res.body.error.code).toBe('TAPE_UNREACHABLE');
    expect(lto9().cartridge?.barcode).toBe('A00006L9');
  });

  it('lets every role read but only operators move cartridges; validates input', async () => {
    const denied = await auditor.agent
      .post(`/api/tape/libraries/${libSerial}/mount`)
      .set('X-CSRF-Token', auditor.csrf)
      .send({ barcode: 'A00007L9', driveSerial: lto8().serial });
    expect(denied.status).toBe(403);
    const bad = await mount('A0007', lto8().serial).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    await op.agent.get('/api/tape/drives/NOPE123').expect(404);
    expect(sim.drives.every((d) => d.cartridge?.barcode !== 'A00007L9')).toBe(true);
  });
});
