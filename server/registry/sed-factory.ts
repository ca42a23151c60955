import { hostname } from 'node:os';
import path from 'node:path';
import { createSimSedDrivers } from '../../hardware-sims/sed/sim-sed-drivers.ts';
import type { Config } from '../config.ts';
import { ExecFileRunner } from '../drivers/sed/command-runner.ts';
import type { SedDriver } from '../drivers/sed/sed-driver.ts';
import { SedutilSedDriver } from '../drivers/sed/sedutil-sed-driver.ts';
import type { Logger } from '../platform/logger.ts';
import { SedDriverPort } from '../services/sed/sed-driver-port.ts';
import { sedFleetOf, type SedFleet, type SedPort } from '../services/sed/sed-port.ts';

/**
 * SED drivers per host. `sim` runs the bundled sedutil-cli simulator (one real SedutilSedDriver
 * per simulated host, state in the data directory); `real` runs the host's sedutil-cli.
 */
export async function openSedFleet(
  config: Config,
  logger: Logger,
): Promise<{ fleet: SedFleet; drivers: SedDriver[] }> {
  const sed = config.drivers.sed;
  const log = logger.child({ component: 'sed' });
  let drivers: Map<string, SedDriver>;
  if (sed.kind === 'sim') {
    drivers = await createSimSedDrivers({
      statePath: path.join(config.dataDir, 'sed-sim', 'state.json'),
      scenario: config.scenario,
      maxConcurrent: sed.maxConcurrent,
      logger: log,
      // Tests wrap the simulator (e.g. to SIGKILL the console around one command).
      ...(process.env.LOCKWARDEN_SED_SIM_EXECUTABLE && {
        sedutilPath: process.env.LOCKWARDEN_SED_SIM_EXECUTABLE,
      }),
    });
  } else {
    const host = sed.host ?? hostname();
    drivers = new Map([
      [
        host,
        new SedutilSedDriver({
          runner: new ExecFileRunner(),
          sedutilPath: sed.sedutilPath,
          host,
          maxConcurrent: sed.maxConcurrent,
          logger: log,
        }),
      ],
    ]);
  }
  const ports = new Map<string, SedPort>(
    [...drivers].map(([host, driver]) => [host, new SedDriverPort(driver)]),
  );
  return { fleet: sedFleetOf(ports), drivers: [...drivers.values()] };
}
