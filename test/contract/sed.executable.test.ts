import { vi } from 'vitest';
import { FileFleetStore } from '../../hardware-sims/sed/file-fleet-store.ts';
import { runSedutil } from '../../hardware-sims/sed/sedutil-interpreter.ts';
import { simDevicePathResolver } from '../../hardware-sims/sed/sim-control.ts';
import { ExecFileRunner } from '../../server/drivers/sed/command-runner.ts';
import { SedutilSedDriver } from '../../server/drivers/sed/sedutil-sed-driver.ts';
import {
  createSimStateFile,
  fleetOf,
  runExecutable,
  SEDSIM,
  SEDUTIL_CLI,
  type SimStateFile,
} from '../helpers/sed-sim.ts';
import { describeSedContract } from './sed.contract.ts';

/**
 * The real SedutilSedDriver + ExecFileRunner running the `sedutil-cli` executable simulator, as
 * the console runs the real binary; faults go in through the `sedsim` executable.
 */
// Every call starts one or two sedutil-cli processes: on a busy two-core machine a contract test
// of a dozen commands needs more than the default 20 s.
vi.setConfig({ testTimeout: 90_000 });

const HOST = 'test-host';
const fleet = () =>
  fleetOf(
    [
      ['samsung-860-evo-1t', '/dev/sda'],
      ['samsung-960-evo-1t', '/dev/nvme0'],
      ['wdc-wd10spcx', '/dev/sdb'],
    ],
    HOST,
  );
let file: SimStateFile | undefined;

describeSedContract({
  name: 'SedutilSedDriver on the sedutil-cli executable (ExecFileRunner)',
  features: new Set(['powerCycle', 'faults', 'swap', 'keyGenerations', 'psid', 'lockout', 'nonOpal']),
  async setup() {
    const initial = fleet();
    const f = (file = await createSimStateFile(initial));
    const env = { ...f.env, LOCKWARDEN_SED_SIM_HOST: HOST };
    const sedsim = async (...args: string[]) => {
      const r = await runExecutable(SEDSIM, args, env);
      if (r.exitCode !== 0) throw new Error(`sedsim ${args.join(' ')}: ${r.stderr}`);
    };
    const drive = async (device: string) => (await f.read()).drives.find((d) => d.device === device)!;
    const serial = (device: string) =>
      initial.drives.find((d) => d.device === device)!.identity.serial.trim();
    return {
      createDriver: (wrap) =>
        new SedutilSedDriver({
          runner: wrap(new ExecFileRunner()),
          sedutilPath: SEDUTIL_CLI,
          host: HOST,
          env,
          resolveDevicePath: simDevicePathResolver(new FileFleetStore(f.statePath, 'none'), HOST),
        }),
      primary: { device: '/dev/sda', serial: serial('/dev/sda') },
      secondary: { device: '/dev/nvme0', serial: serial('/dev/nvme0') },
      nonOpal: '/dev/sdb',
      tryLimit: 5,
      hooks: {
        reset: () => f.write(fleet()),
        powerCycle: (device) => sedsim('power-cycle', device),
        spBusy: (device, count) => sedsim('fault', device, 'sp-busy', String(count)),
        latency: (device, ms) => sedsim('fault', device, 'latency', String(ms)),
        vanish: async (device) => {
          await sedsim('fault', device, 'vanish');
          return () => sedsim('fault', device, 'clear');
        },
        swap: (a, b) => sedsim('swap', a, b),
        keyGenerations: async (device) => (await drive(device)).keyGenerations,
        psid: async (device) => (await drive(device)).psid,
        enroll: async (device, sid) => {
          const store = new FileFleetStore(f.statePath, 'none');
          for (const args of [
            ['--takeOwnership', sid, device],
            ['--activateLockingSP', sid, device],
            ['--enableLockingRange', '0', sid, device],
          ]) {
            const r = await runSedutil(['sedutil-cli', ...args], { store, host: HOST });
            if (r.exitCode !== 0) throw new Error(`${args[0]}: ${r.stderr}`);
          }
        },
      },
    };
  },
  teardown: () => file?.cleanup() ?? Promise.resolve(),
});
