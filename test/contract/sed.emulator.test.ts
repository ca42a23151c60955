import { latency, spBusy, vanish } from '../../hardware-sims/sed/behaviors.ts';
import { MemoryFleetStore } from '../../hardware-sims/sed/fleet-store.ts';
import { SedutilEmulatorRunner } from '../../hardware-sims/sed/sedutil-emulator-runner.ts';
import { SedutilSedDriver } from '../../server/drivers/sed/sedutil-sed-driver.ts';
import { fleetOf } from '../helpers/sed-sim.ts';
import { describeSedContract } from './sed.contract.ts';

/** The real SedutilSedDriver on the in-process emulator; faults are behaviors added per test. */
const fleet = () =>
  fleetOf([
    ['samsung-860-evo-1t', '/dev/sda'],
    ['samsung-960-evo-1t', '/dev/nvme0'],
    ['wdc-wd10spcx', '/dev/sdb'],
  ]);

describeSedContract({
  name: 'SedutilSedDriver on SedutilEmulatorRunner (in process)',
  features: new Set(['powerCycle', 'faults', 'swap', 'keyGenerations', 'psid', 'lockout', 'nonOpal']),
  setup() {
    const store = new MemoryFleetStore(fleet());
    const runner = new SedutilEmulatorRunner({ store });
    const serial = (device: string) =>
      store.state.drives.find((d) => d.device === device)!.identity.serial.trim();
    let removers: (() => void)[] = [];
    const add = (b: Parameters<SedutilEmulatorRunner['addBehavior']>[0]) =>
      removers.push(runner.addBehavior(b));
    return Promise.resolve({
      createDriver: (wrap) =>
        new SedutilSedDriver({
          runner: wrap(runner),
          sedutilPath: '/usr/sbin/sedutil-cli',
          host: 'test-host',
          resolveDevicePath: runner.resolveDevicePath,
        }),
      primary: { device: '/dev/sda', serial: serial('/dev/sda') },
      secondary: { device: '/dev/nvme0', serial: serial('/dev/nvme0') },
      nonOpal: '/dev/sdb',
      tryLimit: 5,
      hooks: {
        reset: () => {
          for (const remove of removers) remove();
          removers = [];
          store.state = fleet();
          return Promise.resolve();
        },
        powerCycle: async (device) => void (await runner.powerCycle(device)),
        spBusy: (device, count) => Promise.resolve(void add(spBusy(device, count))),
        latency: (device, ms) => Promise.resolve(void add(latency(device, ms))),
        vanish: (device) => {
          const remove = runner.addBehavior(vanish(device));
          return Promise.resolve(() => Promise.resolve(remove()));
        },
        swap: (a, b) => runner.swap(a, b),
        keyGenerations: async (device) => [...(await runner.drive(device)).keyGenerations],
        psid: async (device) => (await runner.drive(device)).psid,
      },
    });
  },
});
