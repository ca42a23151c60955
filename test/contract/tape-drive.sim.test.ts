import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropOff } from '../../hardware-sims/scsi/behaviors.ts';
import { EmulatedScsiTransport } from '../../hardware-sims/scsi/emulated-transport.ts';
import { serveScsiTarget } from '../../hardware-sims/scsi/socket-server.ts';
import { createCartridge } from '../../hardware-sims/tape/cartridge.ts';
import { LtoDriveEmulator } from '../../hardware-sims/tape/lto-drive-emulator.ts';
import { SimSocketTransport } from '../../server/drivers/scsi/sim-socket-transport.ts';
import { ScsiTapeDrive } from '../../server/drivers/tape/scsi-tape-drive.ts';
import { describeTapeDriveContract, type TapeDriveHooks } from './tape-drive.contract.ts';

/** The real ScsiTapeDrive against the LTO emulator: in process, and behind its Unix socket. */
const FAST = { notReadyPollMs: 5, busyDelayMs: 1, notReadyWaitMs: 5_000 };

function emulatorHooks(drive: LtoDriveEmulator): TapeDriveHooks {
  return {
    mountScratch(barcode = 'T00001L9') {
      if (drive.cartridge) drive.removeCartridge();
      drive.insertCartridge(createCartridge(barcode));
      return Promise.resolve();
    },
    fault: (b) => drive.addBehavior(b),
    setMethod: (m) => void (drive.method = m),
    sentOpcodes: () => drive.commandLog.map((c) => c.opcode),
  };
}

describeTapeDriveContract({
  name: 'ScsiTapeDrive on the in-process LTO emulator',
  setup() {
    const drive = new LtoDriveEmulator({ model: 'ibm-hh9', serial: '1000000042' });
    return Promise.resolve({
      createDriver: () => new ScsiTapeDrive({ transport: new EmulatedScsiTransport(drive), retry: FAST }),
      hooks: { ...emulatorHooks(drive), vanish: () => Promise.resolve(void drive.addBehavior(dropOff())) },
    });
  },
});

describeTapeDriveContract({
  name: 'ScsiTapeDrive over the emulator socket (HPE LTO-8)',
  async setup() {
    const drive = new LtoDriveEmulator({ model: 'hpe-lto8', serial: 'HU00000042' });
    const dir = await mkdtemp(join(tmpdir(), 'lw-tape-'));
    const path = join(dir, 'nst0.sock');
    const server = await serveScsiTarget(drive, path);
    return {
      createDriver: () =>
        new ScsiTapeDrive({
          transport: new SimSocketTransport({ path, connectTimeoutMs: 500 }),
          retry: FAST,
        }),
      hooks: {
        ...emulatorHooks(drive),
        mountScratch: (barcode = 'T00001L8') => emulatorHooks(drive).mountScratch!(barcode),
        vanish: () => server.close(),
      },
      cleanup: async () => {
        await server.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
