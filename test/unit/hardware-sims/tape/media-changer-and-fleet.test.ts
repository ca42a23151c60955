import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmulatedScsiTransport } from '../../../../hardware-sims/scsi/emulated-transport.ts';
import { createCartridge } from '../../../../hardware-sims/tape/cartridge.ts';
import { TapeFleet } from '../../../../hardware-sims/tape/fleet.ts';
import { serveTapeFleet } from '../../../../hardware-sims/tape/serve-fleet.ts';
import { autosaveTapeFleet, loadTapeFleet } from '../../../../hardware-sims/tape/tape-fleet-file.ts';
import { moveMediumCdb, readElementStatusCdb } from '../../../../server/drivers/library/changer-cdb.ts';
import { decodeElementStatus, identifierText } from '../../../../server/drivers/library/element-status.ts';
import { testUnitReadyCdb } from '../../../../server/drivers/scsi/cdb.ts';
import { decodeSense } from '../../../../server/drivers/scsi/sense.ts';
import { SimSocketTransport } from '../../../../server/drivers/scsi/sim-socket-transport.ts';

/** The changer emulator at the SCSI level, the scenarios, persistence and the socket fleet. */
function lab() {
  const fleet = TapeFleet.create('small-lab', { now: () => 0 });
  const lib = fleet.libraries[0]!;
  const t = new EmulatedScsiTransport(lib);
  const move = (src: number, dst: number) =>
    t.execute({
      cdb: moveMediumCdb({ transportAddress: 0, sourceAddress: src, destinationAddress: dst }),
      direction: 'none',
      timeoutMs: 1000,
    });
  const status = async (type: number, dvcid = false) => {
    const cdb = readElementStatusCdb({
      volTag: true,
      elementType: type,
      startingAddress: 0,
      numberOfElements: 0xffff,
      curData: false,
      dvcid,
      allocationLength: 0xffffff,
    });
    return decodeElementStatus(
      (await t.execute({ cdb, direction: 'in', allocationLength: 0xffffff, timeoutMs: 1000 })).dataIn,
    );
  };
  return { fleet, lib, t, move, status };
}

describe('scenarios', () => {
  it('small-lab: one library, 4 drives of two generations and two vendors, 60 slots, 5 I/E', () => {
    const { fleet, lib } = lab();
    expect(fleet.drives.map((d) => `${d.model.vendor} LTO-${d.model.generation}`)).toEqual([
      'IBM LTO-9',
      'IBM LTO-9',
      'HPE LTO-8',
      'HPE LTO-8',
    ]);
    expect(lib.state.slots).toHaveLength(60);
    expect(lib.state.importExport).toHaveLength(5);
    const barcodes = lib.state.slots.flatMap((c) => (c ? [c.barcode] : []));
    expect(barcodes).toContain('A00001L9');
    expect(barcodes).toContain('CLN001L1');
    expect(new Set(fleet.drives.map((d) => d.serial)).size).toBe(4);
  });

  it('datacenter: 4 libraries, 48 drives, 4,000 slots; the state survives JSON', () => {
    const fleet = TapeFleet.create('datacenter');
    expect(fleet.libraries).toHaveLength(4);
    expect(fleet.drives).toHaveLength(48);
    expect(fleet.libraries.reduce((n, l) => n + l.state.slots.length, 0)).toBe(4000);
    const again = TapeFleet.fromState(
      JSON.parse(JSON.stringify(fleet.toState())) as ReturnType<TapeFleet['toState']>,
    );
    expect(again.toState()).toEqual(fleet.toState());
  });
});

describe('MediaChangerEmulator', () => {
  it('inventory with volume tags and DVCID (T10 form), then a mount into a drive', async () => {
    const { lib, t, move, status, fleet } = lab();
    await t.execute({ cdb: testUnitReadyCdb(), direction: 'none', timeoutMs: 100 }); // 6/29/00
    const slots = (await status(2)).pages[0]!.elements;
    expect(slots[0]).toMatchObject({
      address: 0x401,
      full: true,
      mediumType: 1,
      primaryVolumeTag: { identifier: 'A00001L9' },
    });
    const drives = (await status(4, true)).pages[0]!.elements;
    expect(identifierText(drives[0]!.identifier!)).toBe(`IBM     ULT3580-HH9     ${fleet.drives[0]!.serial}`);
    expect((await move(0x401, 0x101)).status).toBe(0);
    expect(fleet.drives[0]!.cartridge?.barcode).toBe('A00001L9');
    const after = (await status(4)).pages[0]!.elements[0]!;
    expect(after).toMatchObject({
      full: true,
      sourceAddress: 0x401,
      primaryVolumeTag: { identifier: 'A00001L9' },
    });
    expect(lib.state.slots[0]).toBeNull();
  });

  it('full destination 3B/0D, empty source 3B/0E, bad address 21/01, L7 into an LTO-9 drive 30/00', async () => {
    const { t, move } = lab();
    await t.execute({ cdb: testUnitReadyCdb(), direction: 'none', timeoutMs: 100 });
    const sense = async (src: number, dst: number) => decodeSense((await move(src, dst)).sense!);
    expect(await sense(0x401, 0x402)).toMatchObject({ senseKey: 5, asc: 0x3b, ascq: 0x0d });
    expect(await sense(0x401 + 59, 0x401 + 58)).toMatchObject({ asc: 0x3b, ascq: 0x0e });
    expect(await sense(0x9999, 0x401)).toMatchObject({
      asc: 0x21,
      ascq: 0x01,
      fieldPointer: { inCdb: true, field: 4 },
    });
    const l7 = 0x401 + 24 + 16 + 2; // first C0000nL7
    expect(await sense(l7, 0x101)).toMatchObject({ senseKey: 5, asc: 0x30, ascq: 0 });
    expect((await move(l7, 0x103)).status).toBe(0); // an LTO-8 drive reads and writes L7
  });

  it('operator import raises 28/01; door open answers 2/04/03, closing it raises 28/00', async () => {
    const { lib, t, move, status } = lab();
    await t.execute({ cdb: testUnitReadyCdb(), direction: 'none', timeoutMs: 100 });
    lib.operatorImport(0, createCartridge('N00001L9'));
    expect(decodeSense((await move(0x300, 0x401 + 59)).sense!)).toMatchObject({
      senseKey: 6,
      asc: 0x28,
      ascq: 0x01,
    });
    expect((await status(3)).pages[0]!.elements[0]).toMatchObject({ full: true, impExp: true });
    expect((await move(0x300, 0x401 + 59)).status).toBe(0);
    lib.openDoor();
    expect(decodeSense((await move(0x401, 0x300)).sense!)).toMatchObject({
      senseKey: 2,
      asc: 0x04,
      ascq: 0x03,
    });
    lib.closeDoor();
    expect(decodeSense((await move(0x401, 0x300)).sense!)).toMatchObject({ senseKey: 6, asc: 0x28, ascq: 0 });
  });
});

describe('the fleet behind sockets', () => {
  it('one socket per device plus devices.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-fleet-'));
    const served = await serveTapeFleet(TapeFleet.create('small-lab'), dir);
    try {
      const devices = JSON.parse(await readFile(join(dir, 'devices.json'), 'utf8')) as {
        socket: string;
        type: string;
      }[];
      expect(devices.map((d) => `${d.socket}:${d.type}`)).toEqual([
        'nst0.sock:tape',
        'nst1.sock:tape',
        'nst2.sock:tape',
        'nst3.sock:tape',
        'sch0.sock:changer',
      ]);
      expect(devices[0]).toMatchObject({ vendor: 'IBM', library: 'library-A', elementAddress: 0x101 });
      const t = new SimSocketTransport({ path: join(dir, 'sch0.sock') });
      expect(
        decodeSense((await t.execute({ cdb: testUnitReadyCdb(), direction: 'none', timeoutMs: 100 })).sense!)
          .asc,
      ).toBe(0x29);
      await t.close();
    } finally {
      await served.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('persistence in the data directory', () => {
  it('the fleet file is created from the scenario, saved after commands, and restored power-cycled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-fleet-file-'));
    const path = join(dir, 'tape', 'fleet.json');
    try {
      const fleet = await loadTapeFleet(path, 'small-lab');
      const saver = autosaveTapeFleet(path, fleet, 5);
      const t = new EmulatedScsiTransport(fleet.libraries[0]!);
      await t.execute({ cdb: testUnitReadyCdb(), direction: 'none', timeoutMs: 100 });
      const move = moveMediumCdb({ transportAddress: 0, sourceAddress: 0x401, destinationAddress: 0x101 });
      expect((await t.execute({ cdb: move, direction: 'none', timeoutMs: 100 })).status).toBe(0);
      await saver.stop();
      const again = await loadTapeFleet(path, 'small-lab');
      expect(again.drives[0]!.cartridge?.barcode).toBe('A00001L9');
      expect(again.libraries[0]!.state.slots[0]).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
