/**
 * `npm run sims -- serve …`: serves a tape scenario's emulators on Unix sockets (reference
 * sim-scsi-socket.md) until SIGTERM/SIGINT, for the console's `socket` tape driver kind, for
 * third-party harnesses, and for the unmodified Linux tools through the LD_PRELOAD shim.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TapeFleet } from '../tape/fleet.ts';
import { TAPE_SCENARIOS, type TapeScenario } from '../tape/scenarios.ts';
import { serveTapeFleet, type SimDeviceEntry } from '../tape/serve-fleet.ts';
import { autosaveTapeFleet, loadTapeFleet } from '../tape/tape-fleet-file.ts';

const SCENARIOS = Object.keys(TAPE_SCENARIOS) as TapeScenario['name'][];
const SHIM = path.resolve(import.meta.dirname, '../../node_modules/.cache/lockwarden/sgshim/libsgshim.so');

const USAGE = `Usage: npm run sims -- serve [--scenario NAME] --dir DIR [--state FILE]

  serve   Serve every tape drive (nst0.sock, …) and changer (sch0.sock, …) of a scenario in
          DIR, with devices.json beside them, until SIGTERM or SIGINT.

  --scenario NAME   ${SCENARIOS.join(' | ')} (default small-lab, or the state file's)
  --dir DIR         where the sockets go (created if missing)
  --state FILE      keep the fleet (cartridges, positions, key counters) in FILE across runs;
                    without it every run starts from the scenario's fresh state

Unmodified tools reach the sockets through the shim (node scripts/lib/build-sgshim.mjs):
  LD_PRELOAD=${SHIM} LWSIM_DIR=DIR sg_inq /dev/lwsim/nst0`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scenario: { type: 'string' },
      dir: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] === 'help') return undefined;
  if (positionals[0] !== 'serve' || positionals.length !== 1)
    throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
  if (!values.dir) throw new UsageError('--dir is required');
  const scenario = values.scenario as TapeScenario['name'] | undefined;
  if (scenario !== undefined && !SCENARIOS.includes(scenario))
    throw new UsageError(`unknown scenario ${scenario} (one of ${SCENARIOS.join(', ')})`);
  return { scenario, dir: path.resolve(values.dir), state: values.state && path.resolve(values.state) };
}

function describe(d: SimDeviceEntry): string {
  const where = d.elementAddress !== undefined ? `  ${d.library} element ${d.elementAddress}` : '';
  const kind = d.type === 'tape' ? 'drive  ' : 'changer';
  return `  ${d.socket.padEnd(10)} ${kind} ${d.vendor} ${d.product} serial ${d.serial}${where}`;
}

/**
 * Resolves with the first signal that asks us to stop. The handlers stay installed, so a second
 * signal (Ctrl-C reaches both `npm run` and us, which then forwards it too) cannot kill the
 * process halfway through closing.
 */
const stopSignal = () =>
  new Promise<NodeJS.Signals>((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => resolve(s));
  });

async function serve(opts: NonNullable<ReturnType<typeof parse>>): Promise<number> {
  const fleet = opts.state
    ? await loadTapeFleet(opts.state, opts.scenario ?? 'small-lab')
    : TapeFleet.create(opts.scenario ?? 'small-lab');
  if (opts.scenario && fleet.scenario !== opts.scenario) {
    process.stderr.write(`${opts.state} holds the ${fleet.scenario} scenario, not ${opts.scenario}\n`);
    return 2;
  }
  const autosave = opts.state ? autosaveTapeFleet(opts.state, fleet) : undefined;
  const stopping = stopSignal(); // before listening: a signal during start-up is not lost
  await mkdir(opts.dir, { recursive: true });
  const served = await serveTapeFleet(fleet, opts.dir, {
    log: (message) => process.stderr.write(`${message}\n`),
  });
  const out = [
    `Serving the ${fleet.scenario} tape scenario in ${opts.dir}:`,
    ...served.devices.map(describe),
    opts.state ? `State: ${opts.state} (saved after each burst of commands)` : 'State: in memory only',
    existsSync(SHIM)
      ? `Tools: LD_PRELOAD=${SHIM} LWSIM_DIR=${opts.dir} sg_inq /dev/lwsim/nst0`
      : 'Tools: build the LD_PRELOAD shim with `node scripts/lib/build-sgshim.mjs`',
    'Ready. Stop with SIGTERM or Ctrl-C.',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const signal = await stopping;
  process.stdout.write(`${signal}: closing the sockets\n`);
  await served.close();
  await rm(path.join(opts.dir, 'devices.json'), { force: true });
  await autosave?.stop();
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError) && !(e instanceof TypeError)) throw e;
    process.stderr.write(`${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  return serve(opts);
}

process.exitCode = await main(process.argv.slice(2));
