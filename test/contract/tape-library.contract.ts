import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busyNext, failNext } from '../../hardware-sims/scsi/behaviors.ts';
import type { ScsiBehavior } from '../../hardware-sims/scsi/scsi-target.ts';
import type {
  LibraryInventory,
  TapeLibraryDriver,
} from '../../server/drivers/library/tape-library-driver.ts';
import type { TapeDriveDriver } from '../../server/drivers/tape/tape-drive-driver.ts';
import { expectDriverError } from './tape-drive.contract.ts';

/**
 * The TapeLibraryDriver contract: against the in-process changer emulator, the emulator
 * behind its socket, and a real library when LOCKWARDEN_TEST_SG_DEVICE names one (moves on
 * real hardware need the hooks below, so those tests skip there).
 */
export interface TapeLibraryHooks {
  /** An operator puts a cartridge with this barcode into the first I/E slot. */
  operatorImport?(barcode: string): void;
  openDoor?(): void;
  closeDoor?(): void;
  fault?(b: ScsiBehavior): () => void;
  vanish?(): Promise<void>;
  /** An open TapeDriveDriver on the library's drive with this serial. */
  driveDriver?(serial: string): Promise<TapeDriveDriver>;
}

export interface TapeLibraryTarget {
  createDriver(): TapeLibraryDriver;
  /** Whether MOVE MEDIUM unloads a threaded drive itself (IBM) or refuses (5/53/02). */
  autoUnload?: boolean;
  /** Real hardware: tests that might carry a cartridge somewhere are skipped. */
  hardware?: boolean;
  hooks: TapeLibraryHooks;
  cleanup?(): Promise<void>;
}

export interface TapeLibraryContractOptions {
  name: string;
  skipReason?: string;
  setup(): Promise<TapeLibraryTarget>;
}

export function describeTapeLibraryContract(opts: TapeLibraryContractOptions): void {
  const title = `TapeLibraryDriver contract: ${opts.name}${opts.skipReason ? ` (${opts.skipReason})` : ''}`;
  describe.skipIf(opts.skipReason !== undefined)(title, () => {
    let target: TapeLibraryTarget;
    let lib: TapeLibraryDriver;
    const closers: (() => Promise<void>)[] = [];
    beforeEach(async () => {
      target = await opts.setup();
      lib = target.createDriver();
      await lib.open();
    });
    afterEach(async () => {
      await lib.close();
      await Promise.all(closers.splice(0).map((c) => c()));
      await target.cleanup?.();
    });
    const hookTest = (name: string, hooks: (keyof TapeLibraryHooks)[], fn: () => Promise<void>) =>
      it(name, async (t) => {
        const missing = hooks.filter((h) => target.hooks[h] === undefined);
        if (missing.length > 0) t.skip(`needs ${missing.join(', ')}`);
        await fn();
      });
    const firstData = (inv: LibraryInventory, generation?: number) =>
      inv.slots.find(
        (s) =>
          s.full && s.cartridgeKind === 'data' && (generation === undefined || s.generation === generation),
      )!;
    const drive = async (serial: string) => {
      const d = await target.hooks.driveDriver!(serial);
      closers.push(() => d.close());
      return d;
    };

    it('open: identity, element map; inventory with barcodes and DVCID serials', async () => {
      expect(lib.identity.serial).toMatch(/\S/u);
      expect(lib.elementMap.storage.count).toBeGreaterThan(0);
      const inv = await lib.getInventory();
      expect(inv.slots).toHaveLength(lib.elementMap.storage.count);
      expect(inv.drives).toHaveLength(lib.elementMap.dataTransfer.count);
      const cart = firstData(inv);
      expect(cart.barcode).toMatch(/^[A-Z0-9]{6}(L[1-9A]|M8)?$/u);
      expect(inv.drives.every((d) => d.drive?.serial)).toBe(true);
      const found = await lib.findDrive(inv.drives[0]!.drive!.serial);
      expect(found.address).toBe(inv.drives[0]!.address);
      await expectDriverError(lib.findDrive('NO-SUCH-SERIAL'), 'LIBRARY_ELEMENT_NOT_FOUND');
    });

    /** Mounts a data cartridge the drive can read (trying one per generation) and returns it. */
    const mountReadable = async (inv: LibraryInventory, serial: string) => {
      const generations = [
        ...new Set(inv.slots.flatMap((s) => (s.full && s.cartridgeKind === 'data' ? [s.generation] : []))),
      ];
      for (const g of generations.sort((x, y) => (y ?? 0) - (x ?? 0))) {
        const barcode = firstData(inv, g).barcode!;
        const moved = await lib.mount({ barcode, driveSerial: serial }).catch((e: unknown) => {
          if ((e as { code?: string }).code === 'TAPE_INCOMPATIBLE_MEDIUM') return undefined;
          throw e;
        });
        if (moved) return { ...moved, barcode };
      }
      throw new Error(`no cartridge in the library fits drive ${serial}`);
    };

    hookTest(
      'mount by barcode into the drive with a serial; the drive loads it; unmount puts it home',
      ['driveDriver'],
      async () => {
        const inv = await lib.getInventory();
        const free = inv.drives.find((d) => !d.full && d.drive)!;
        const serial = free.drive!.serial;
        const tape = await drive(serial);
        const moved = await mountReadable(inv, serial);
        expect(moved.destination).toBe(free.address);
        const after = await lib.getInventory();
        const inDrive = after.drives.find((d) => d.address === free.address);
        expect(inDrive).toMatchObject({ full: true, barcode: moved.barcode, sourceAddress: moved.source });
        expect(await tape.getMediumState()).toMatchObject({ loaded: true });
        if (target.autoUnload === false) {
          await expectDriverError(lib.unmount({ driveSerial: serial }), 'LIBRARY_MEDIUM_REMOVAL_PREVENTED');
          await tape.unload();
        }
        const back = await lib.unmount({ driveSerial: serial });
        expect(back.destination).toBe(moved.source);
        expect(await tape.getMediumState()).toMatchObject({ loaded: false, condition: 'no-medium' });
      },
    );

    it('a full destination, an empty source and a bad address are refused and change nothing', async () => {
      const inv = await lib.getInventory();
      const [a, b] = inv.slots.filter((s) => s.full);
      const empty = inv.slots.find((s) => !s.full)!;
      const full = await expectDriverError(
        lib.moveMedium({ source: a!.address, destination: b!.address }),
        'LIBRARY_DESTINATION_FULL',
      );
      expect(full.detail).toMatchObject({
        senseKey: 5,
        asc: 0x3b,
        ascq: 0x0d,
        ascName: 'Medium destination element full',
      });
      await expectDriverError(
        lib.moveMedium({ source: empty.address, destination: a!.address }),
        'LIBRARY_SOURCE_EMPTY',
      );
      await expectDriverError(
        lib.moveMedium({ source: 0xfffe, destination: empty.address }),
        'LIBRARY_INVALID_ELEMENT',
      );
      expect(await lib.getInventory()).toEqual(inv);
    });

    it('a cartridge the drive generation cannot read is refused', async (t) => {
      if (target.hardware) t.skip('might move a cartridge on real hardware');
      const inv = await lib.getInventory();
      const pair = inv.drives
        .map((d) => ({
          d,
          old: inv.slots.find((s) => s.full && s.generation !== undefined && s.generation < 8),
        }))
        .find((p) => p.old && p.d.drive && !p.d.full && /9|A/u.test(p.d.drive.product ?? ''));
      if (!pair) t.skip('no LTO-9+ drive with an LTO-7 or older cartridge in this library');
      await expectDriverError(
        lib.moveMedium({ source: pair!.old!.address, destination: pair!.d.address }),
        'TAPE_INCOMPATIBLE_MEDIUM',
      );
    });

    hookTest(
      'import from the I/E station (6/28/01 retried inside) and export back',
      ['operatorImport'],
      async () => {
        target.hooks.operatorImport!('N00042L9');
        const done = await lib.importCartridge();
        expect(done).toMatchObject({ barcode: 'N00042L9' });
        const inv = await lib.getInventory();
        expect(inv.slots.find((s) => s.address === done.destination)?.barcode).toBe('N00042L9');
        const out = await lib.exportCartridge({ barcode: 'N00042L9' });
        expect(
          (await lib.getInventory()).importExport.find((e) => e.address === out.destination),
        ).toMatchObject({
          full: true,
          placedByOperator: false,
        });
        await expectDriverError(
          lib.importCartridge({ ioAddress: lib.elementMap.importExport.first + 1 }),
          'LIBRARY_SOURCE_EMPTY',
        );
      },
    );

    hookTest(
      'door open: a clear not-ready error; closing it is a unit attention handled inside',
      ['openDoor', 'closeDoor'],
      async () => {
        const inv = await lib.getInventory();
        const src = inv.slots.find((s) => s.full)!;
        const dst = inv.slots.find((s) => !s.full)!;
        target.hooks.openDoor!();
        const err = await expectDriverError(
          lib.moveMedium({ source: src.address, destination: dst.address }),
          'SCSI_NOT_READY',
        );
        expect(err.detail).toMatchObject({ asc: 0x04, ascq: 0x03 });
        target.hooks.closeDoor!();
        await lib.moveMedium({ source: src.address, destination: dst.address });
      },
    );

    hookTest(
      'BUSY and unit attentions are retried; a vanished library is SCSI_TRANSPORT_FAILED',
      ['fault', 'vanish'],
      async () => {
        target.hooks.fault!(busyNext({ count: 2 }));
        target.hooks.fault!(failNext({ senseKey: 6, asc: 0x29, ascq: 0 }));
        await lib.getInventory();
        await target.hooks.vanish!();
        const err = await expectDriverError(lib.getInventory(), 'SCSI_TRANSPORT_FAILED');
        expect(err.retryable).toBe(true);
      },
    );
  });
}
