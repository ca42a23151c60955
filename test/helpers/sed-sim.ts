import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDrive, type CreateDriveOptions } from '../../hardware-sims/sed/drive-factory.ts';
import { MemoryFleetStore } from '../../hardware-sims/sed/fleet-store.ts';
import { PinHasher } from '../../hardware-sims/sed/opal-pin.ts';
import { buildScenario } from '../../hardware-sims/sed/scenarios.ts';
import { runSedutil, type SedutilResult } from '../../hardware-sims/sed/sedutil-interpreter.ts';
import type { FleetState } from '../../hardware-sims/sed/sim-types.ts';

export const SEDUTIL_CLI = fileURLToPath(new URL('../../hardware-sims/bin/sedutil-cli', import.meta.url));
export const SEDSIM = fileURLToPath(new URL('../../hardware-sims/bin/sedsim', import.meta.url));

type DriveSpec = [model: string, device: string, opts?: Partial<CreateDriveOptions>];

/** A fleet of exactly these drives on one host. */
export function fleetOf(drives: DriveSpec[], host = 'test-host'): FleetState {
  return {
    version: 1,
    scenario: 'test',
    drives: drives.map(([model, device, opts], i) =>
      createDrive(model, { host, device, index: i + 1, seed: `test:${device}`, ...opts }),
    ),
  };
}

/** The drives of the reference's `--scan` sample (§2.2), in its slots. */
export function scanFleet(): FleetState {
  return fleetOf([
    ['samsung-960-evo-1t', '/dev/nvme0', { modelName: 'Samsung SSD 960 EVO 250GB' }],
    ['crucial-mx200-250', '/dev/sda'],
    ['samsung-850-evo-500', '/dev/sdb', { firmware: 'EMT01B6Q' }],
    ['seagate-st500lt025', '/dev/sdc'],
    ['samsung-850-evo-500', '/dev/sdd', { modelName: 'Samsung SSD 850 EVO 250GB', firmware: 'EMT01B6Q' }],
    ['wdc-wd10spcx', '/dev/sde'],
    ['hgst-husmm814', '/dev/sdf'],
  ]);
}

/**
 * The drives of the reference's other transcripts (§2.3, §2.4) with the serials they show, plus
 * a few for keyed sequences: sdc an 860 EVO, sdd the Crucial (15 ranges), sde a non-SED, nvme5 a
 * PM1735 without MBR shadowing.
 */
export function referenceFleet(): FleetState {
  return fleetOf([
    ['samsung-960-evo-1t', '/dev/nvme0', { serial: 'S3X4NB0K000000A' }],
    ['hgst-huh721010', '/dev/sda'],
    ['samsung-850-evo-500', '/dev/sdb', { serial: 'S2RBNX0H000000A' }],
    ['samsung-860-evo-1t', '/dev/sdc'],
    ['crucial-mx200-250', '/dev/sdd'],
    ['wdc-wd10spcx', '/dev/sde'],
    ['wdc-wus5ea138', '/dev/nvme4'],
    ['samsung-pm1735-12t', '/dev/nvme5'],
  ]);
}

/** sedutil-cli in process against an in-memory fleet: for preparing state and unit tests. Share `hasher` to memoise PBKDF2. */
export function memorySedutil(fleet: FleetState = buildScenario('small-lab'), hasher = new PinHasher()) {
  const store = new MemoryFleetStore(fleet);
  const run = (...args: string[]): Promise<SedutilResult> =>
    runSedutil(['sedutil-cli', ...args], { store, hasher });
  return { store, run, drive: (device: string) => store.state.drives.find((d) => d.device === device)! };
}

export interface SimStateFile {
  statePath: string;
  env: Record<string, string>;
  read(): Promise<FleetState>;
  write(state: FleetState): Promise<void>;
  cleanup(): Promise<void>;
}

/** A state file of its own in a temp dir, optionally pre-filled (else created from `scenario`). */
export async function createSimStateFile(fleet?: FleetState, scenario = 'small-lab'): Promise<SimStateFile> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-sedsim-'));
  const statePath = join(dir, 'state.json');
  const write = (state: FleetState) => writeFile(statePath, JSON.stringify(state));
  if (fleet) await write(fleet);
  return {
    statePath,
    env: { LOCKWARDEN_SED_SIM_STATE: statePath, LOCKWARDEN_SED_SIM_SCENARIO: scenario },
    read: async () => JSON.parse(await readFile(statePath, 'utf8')) as FleetState,
    write,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs one of the simulator executables exactly as the console would (no shell, LC_ALL=C). */
export function runExecutable(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { PATH: process.env['PATH'] ?? '', ...env, LC_ALL: 'C' }, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(new Error(error.message));
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
