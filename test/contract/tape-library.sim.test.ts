import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropOff } from '../../hardware-sims/scsi/behaviors.ts';
import { EmulatedScsiTransport } from '../../hardware-sims/scsi/emulated-transport.ts';
import { createCartridge } from '../../hardware-sims/tape/cartridge.ts';
import { TapeFleet } from '../../hardware-sims/tape/fleet.ts';
import { serveTapeFleet } from '../../hardware-sims/tape/serve-fleet.ts';
import type { MediaChangerEmulator } from '../../hardware-sims/library/media-changer-emulator.ts';
import { ScsiTapeLibrary } from '../../server/drivers/library/scsi-tape-library.ts';
import { SimSocketTransport } from '../../server/drivers/scsi/sim-socket-transport.ts';
import { ScsiTapeDrive } from '../../server/drivers/tape/scsi-tape-drive.ts';
import { describeTapeLibraryContract, type TapeLibraryHooks } from './tape-library.contract.ts';

/** The real ScsiTapeLibrary against the changer emulator of a scenario: in process and over sockets. */
const FAST = { notReadyPollMs: 5, busyDelayMs: 1, notReadyWaitMs: 5_000 };

function operatorHooks(lib: MediaChangerEmulator): TapeLibraryHooks {
  return {
    operatorImport: (barcode) => lib.operatorImport(0, createCartridge(barcode)),
    openDoor: () => lib.openDoor(),
    closeDoor: () => lib.closeDoor(),
    fault: (b) => lib.addBehavior(b),
  };
}

describeTapeLibraryContract({
  name: 'ScsiTapeLibrary on the in-process small-lab library (IBM, auto-unload)',
  setup() {
    const fleet = TapeFleet.create('small-lab');
    const lib = fleet.libraries[0]!;
    return Promise.resolve({
      createDriver: () => new ScsiTapeLibrary({ transport: new EmulatedScsiTransport(lib), retry: FAST }),
      autoUnload: true,
      hooks: {
        ...operatorHooks(lib),
        vanish: () => Promise.resolve(void lib.addBehavior(dropOff())),
        async driveDriver(serial) {
          const d = new ScsiTapeDrive({
            transport: new EmulatedScsiTransport(fleet.driveBySerial(serial)!),
            retry: FAST,
          });
          await d.open();
          return d;
        },
      },
    });
  },
});

describeTapeLibraryContract({
  name: 'ScsiTapeLibrary over sockets: a datacenter STK L80-style library (no auto-unload)',
  async setup() {
    const fleet = TapeFleet.create('datacenter');
    const dir = await mkdtemp(join(tmpdir(), 'lw-lib-'));
    const served = await serveTapeFleet(fleet, dir);
    const index = fleet.libraries.findIndex((l) => l.model.product === 'L80');
    const lib = fleet.libraries[index]!;
    const socket = (name: string) => new SimSocketTransport({ path: join(dir, name), connectTimeoutMs: 500 });
    return {
      createDriver: () => new ScsiTapeLibrary({ transport: socket(`sch${index}.sock`), retry: FAST }),
      autoUnload: false,
      hooks: {
        ...operatorHooks(lib),
        vanish: () => served.close(),
        async driveDriver(serial) {
          const entry = served.devices.find((e) => e.type === 'tape' && e.serial === serial)!;
          const d = new ScsiTapeDrive({ transport: socket(entry.socket), retry: FAST });
          await d.open();
          return d;
        },
      },
      cleanup: async () => {
        await served.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
