import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EmulatedScsiTransport } from '../../hardware-sims/scsi/emulated-transport.ts';
import type { TapeFleet } from '../../hardware-sims/tape/fleet.ts';
import { autosaveTapeFleet, loadTapeFleet } from '../../hardware-sims/tape/tape-fleet-file.ts';
import { getScenario } from '../../hardware-sims/scenarios/index.ts';
import type { Config } from '../config.ts';
import { ScsiTapeLibrary } from '../drivers/library/scsi-tape-library.ts';
import type { ScsiTransport } from '../drivers/scsi/scsi-transport.ts';
import { SgIoTransport } from '../drivers/scsi/sg-io-transport.ts';
import { SimSocketTransport } from '../drivers/scsi/sim-socket-transport.ts';
import { ScsiTapeDrive } from '../drivers/tape/scsi-tape-drive.ts';
import type { TapeFleetPort } from '../services/tape/tape-port.ts';

export interface OpenedTapeFleet {
  port: TapeFleetPort;
  /** The in-process emulators (kind `sim`): the demo's and tests' handle for operator actions. */
  sim?: TapeFleet;
  close(): Promise<void>;
}

/** `devices.json` as `npm run sims -- serve` writes it (reference sim-scsi-socket.md). */
const DevicesFileSchema = z.array(
  z.object({ socket: z.string().regex(/^[A-Za-z0-9._-]+\.sock$/), type: z.enum(['tape', 'changer']) }),
);

/**
 * Tape drives and libraries, real or simulated, behind the same drivers (ARCHITECTURE.md §2):
 * `sim` builds the scenario's emulators in process (state in the data directory, saved after
 * each command burst), `socket` connects to emulators another process serves, `real` opens
 * SG_IO devices. The services see only `TapeFleetPort`.
 */
export async function openTapeFleet(config: Config): Promise<OpenedTapeFleet> {
  const tape = config.drivers.tape;
  const transports: { kind: 'tape' | 'changer'; ref: string; transport: ScsiTransport }[] = [];
  let sim: TapeFleet | undefined;
  let stopAutosave: (() => Promise<void>) | undefined;
  if (tape.kind === 'sim') {
    const scenario = getScenario(config.scenario).tape;
    if (scenario) {
      sim = await loadTapeFleet(path.join(config.dataDir, 'tape-sim', 'state.json'), scenario);
      const autosave = autosaveTapeFleet(path.join(config.dataDir, 'tape-sim', 'state.json'), sim);
      stopAutosave = () => autosave.stop();
      sim.drives.forEach((d, i) =>
        transports.push({ kind: 'tape', ref: `sim:nst${i}`, transport: new EmulatedScsiTransport(d) }),
      );
      sim.libraries.forEach((l, i) =>
        transports.push({ kind: 'changer', ref: `sim:sch${i}`, transport: new EmulatedScsiTransport(l) }),
      );
    }
  } else if (tape.kind === 'socket') {
    const dir = tape.socketDir as string; // the config schema requires it for `socket`
    const devices = DevicesFileSchema.parse(
      JSON.parse(await readFile(path.join(dir, 'devices.json'), 'utf8')),
    );
    for (const d of devices) {
      const ref = path.join(dir, d.socket);
      transports.push({ kind: d.type, ref, transport: new SimSocketTransport({ path: ref }) });
    }
  } else {
    for (const devicePath of tape.drives)
      transports.push({ kind: 'tape', ref: devicePath, transport: new SgIoTransport({ devicePath }) });
    for (const devicePath of tape.changers)
      transports.push({ kind: 'changer', ref: devicePath, transport: new SgIoTransport({ devicePath }) });
  }
  const drives = transports
    .filter((t) => t.kind === 'tape')
    .map((t) => ({ ref: t.ref, driver: new ScsiTapeDrive({ transport: t.transport }) }));
  const libraries = transports
    .filter((t) => t.kind === 'changer')
    .map((t) => ({ ref: t.ref, driver: new ScsiTapeLibrary({ transport: t.transport }) }));
  return {
    port: { drives, libraries },
    ...(sim && { sim }),
    async close() {
      await Promise.all([...drives, ...libraries].map((h) => h.driver.close()));
      await stopAutosave?.();
    },
  };
}
