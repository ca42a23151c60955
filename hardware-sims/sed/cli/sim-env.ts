import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the executables keep the fleet, from the environment (the console sets these for the
 * processes it starts; by hand they default to a file under the temp dir and the small lab).
 */
export interface SimEnvironment {
  /** LOCKWARDEN_SED_SIM_STATE: the JSON state file. */
  statePath: string;
  /** LOCKWARDEN_SED_SIM_SCENARIO: the fleet a missing state file is created with. */
  scenario: string;
  /** LOCKWARDEN_SED_SIM_HOST: which host this "machine" is; default the fleet's first. */
  host: string | undefined;
}

export function simEnvironment(env: NodeJS.ProcessEnv = process.env): SimEnvironment {
  return {
    statePath: env['LOCKWARDEN_SED_SIM_STATE'] || join(tmpdir(), 'lockwarden-sed-sim', 'state.json'),
    scenario: env['LOCKWARDEN_SED_SIM_SCENARIO'] || 'small-lab',
    host: env['LOCKWARDEN_SED_SIM_HOST'] || undefined,
  };
}
