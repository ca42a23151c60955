import { FileFleetStore } from '../file-fleet-store.ts';
import { runSedutil } from '../sedutil-interpreter.ts';
import { simEnvironment } from './sim-env.ts';

/**
 * The `sedutil-cli` executable: same argv, stdout/stderr and exit code as DTA sedutil 1.20.0,
 * against the fleet in LOCKWARDEN_SED_SIM_STATE. A simulator failure (unreadable state file, lock
 * timeout) exits 255, which is what sedutil returns when SG_IO fails.
 */
export async function main(args: string[]): Promise<number> {
  const env = simEnvironment();
  try {
    const store = new FileFleetStore(env.statePath, env.scenario);
    const r = await runSedutil([process.argv[1] ?? 'sedutil-cli', ...args], { store, host: env.host });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r.exitCode;
  } catch (err) {
    process.stderr.write(`sedsim: ${err instanceof Error ? err.message : String(err)}\n`);
    return 255;
  }
}
