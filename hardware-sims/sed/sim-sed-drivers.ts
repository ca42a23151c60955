import { fileURLToPath } from 'node:url';
import { ExecFileRunner } from '../../server/drivers/sed/command-runner.ts';
import type { SedDriver } from '../../server/drivers/sed/sed-driver.ts';
import { SedutilSedDriver, type SedDriverLogger } from '../../server/drivers/sed/sedutil-sed-driver.ts';
import { FileFleetStore } from './file-fleet-store.ts';
import { fleetHosts } from './fleet-store.ts';
import { SedutilEmulatorRunner } from './sedutil-emulator-runner.ts';
import { simDevicePathResolver } from './sim-control.ts';

/** The drop-in executable, for `SedutilSedDriverOptions.sedutilPath`. */
export const SIM_SEDUTIL_CLI = fileURLToPath(new URL('../bin/sedutil-cli', import.meta.url));

export interface SimSedDriversOptions {
  /** The fleet's state file (created from `scenario` when missing); `sedsim` acts on the same file. */
  statePath: string;
  /** Default 'small-lab'. */
  scenario?: string;
  /**
   * 'executable' (default): one sedutil-cli process per command, exactly as on a real host.
   * 'in-process': the same interpreter without processes (SedutilEmulatorRunner on the same file).
   */
  mode?: 'executable' | 'in-process';
  maxConcurrent?: number;
  timeoutMs?: number;
  /** Another executable to run instead of SIM_SEDUTIL_CLI (an instrumented wrapper around it). */
  sedutilPath?: string;
  logger?: SedDriverLogger;
}

/**
 * One real SedutilSedDriver per simulated host, by host name, for the composition root when
 * `drivers.sed.kind` is 'sim'. Each host's sedutil sees only its own drives
 * (LOCKWARDEN_SED_SIM_HOST), and device paths resolve through the simulated /dev.
 */
export async function createSimSedDrivers(opts: SimSedDriversOptions): Promise<Map<string, SedDriver>> {
  const scenario = opts.scenario ?? 'small-lab';
  const store = new FileFleetStore(opts.statePath, scenario);
  const drivers = new Map<string, SedDriver>();
  for (const host of fleetHosts(await store.read())) {
    const env = {
      LOCKWARDEN_SED_SIM_STATE: opts.statePath,
      LOCKWARDEN_SED_SIM_SCENARIO: scenario,
      LOCKWARDEN_SED_SIM_HOST: host,
    };
    const runner =
      opts.mode === 'in-process' ? new SedutilEmulatorRunner({ store, host }) : new ExecFileRunner();
    drivers.set(
      host,
      new SedutilSedDriver({
        runner,
        sedutilPath: opts.sedutilPath ?? SIM_SEDUTIL_CLI,
        host,
        env,
        resolveDevicePath: simDevicePathResolver(store, host),
        ...(opts.maxConcurrent ? { maxConcurrent: opts.maxConcurrent } : {}),
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.logger ? { logger: opts.logger } : {}),
      }),
    );
  }
  return drivers;
}
