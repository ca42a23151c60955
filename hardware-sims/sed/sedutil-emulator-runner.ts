import { performance } from 'node:perf_hooks';
import { DriverError } from '../../server/drivers/core/driver-error.ts';
import type {
  CommandResult,
  CommandRunner,
  CommandRunOptions,
} from '../../server/drivers/sed/command-runner.ts';
import type { SedSimBehavior } from './behaviors.ts';
import { MemoryFleetStore, type FleetStore } from './fleet-store.ts';
import { PinHasher } from './opal-pin.ts';
import { buildScenario } from './scenarios.ts';
import { getDrive, powerCycleDrives, setFault, simDevicePathResolver, swapDevices } from './sim-control.ts';
import { runSedutil } from './sedutil-interpreter.ts';
import type { SedFault, SimDrive } from './sim-types.ts';

export interface SedutilEmulatorRunnerOptions {
  /** Default: an in-memory fleet built from `scenario`. A FileFleetStore shares state with the executables. */
  store?: FleetStore;
  /** Default 'small-lab'. */
  scenario?: string;
  /** Which host's drives the emulated sedutil sees. Default: the fleet's first host. */
  host?: string;
}

/** One command as the runner saw it: never the arguments (they hold passwords). */
export interface SedCommandRecord {
  action: string;
  device: string;
  exitCode: number;
  startedAt: number;
  endedAt: number;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

/**
 * CommandRunner that interprets sedutil-cli 1.20 argv in process against the same Opal state
 * model and output code as the `sedutil-cli` executable, without a process per command (STYLE
 * §3.4). Test controls (binding-mock style): behaviors, power cycles, faults, slot swaps, the
 * drive records and a command history. It rejects like ExecFileRunner (SED_TIMEOUT, SED_ABORTED).
 */
export class SedutilEmulatorRunner implements CommandRunner {
  readonly store: FleetStore;
  readonly host: string | undefined;
  readonly history: SedCommandRecord[] = [];
  /** realpath() of the simulated /dev, for `SedutilSedDriver`'s `resolveDevicePath`. */
  readonly resolveDevicePath: (path: string) => Promise<string>;
  readonly #behaviors: SedSimBehavior[] = [];
  readonly #hasher = new PinHasher();

  constructor(opts: SedutilEmulatorRunnerOptions = {}) {
    this.store = opts.store ?? new MemoryFleetStore(buildScenario(opts.scenario ?? 'small-lab'));
    this.host = opts.host;
    this.resolveDevicePath = simDevicePathResolver(this.store, this.host, this.#behaviors);
  }

  async run(file: string, args: readonly string[], opts: CommandRunOptions): Promise<CommandResult> {
    if (opts.signal?.aborted) throw new DriverError('SED_ABORTED', undefined, { detail: { file } });
    const startedAt = performance.now();
    const work = runSedutil([file, ...args], {
      store: this.store,
      host: this.host,
      behaviors: this.#behaviors,
      hasher: this.#hasher,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const result = await withDeadline(work, file, opts);
    const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    if (Buffer.byteLength(result.stdout) > cap || Buffer.byteLength(result.stderr) > cap) {
      throw new DriverError('SED_COMMAND_FAILED', 'sedutil-cli wrote more output than allowed', {
        detail: { file, reason: 'output-too-large', maxOutputBytes: cap },
      });
    }
    const action = args.find((a) => a.startsWith('--'))?.slice(2) ?? '';
    this.history.push({
      action,
      device: args.at(-1) ?? '',
      exitCode: result.exitCode,
      startedAt,
      endedAt: performance.now(),
    });
    return result;
  }

  /** Adds a behavior for every later command; returns its removal. */
  addBehavior(behavior: SedSimBehavior): () => void {
    this.#behaviors.push(behavior);
    return () => {
      const i = this.#behaviors.indexOf(behavior);
      if (i >= 0) this.#behaviors.splice(i, 1);
    };
  }

  /** One drive, or 'all' of this host, or the whole 'fleet'. */
  powerCycle(target = 'all'): Promise<number> {
    return powerCycleDrives(this.store, this.host, target);
  }

  fault(device: string, fault: SedFault | 'clear'): Promise<void> {
    return setFault(this.store, this.host, device, fault);
  }

  swap(a: string, b: string): Promise<void> {
    return swapDevices(this.store, this.host, a, b);
  }

  /** The drive record (live for the in-memory store: read it, do not change it). */
  drive(device: string): Promise<SimDrive> {
    return getDrive(this.store, this.host, device);
  }
}

/** What a killed process looks like to the caller: the work itself may still have taken effect. */
function withDeadline<T>(work: Promise<T>, file: string, opts: CommandRunOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new DriverError('SED_TIMEOUT', undefined, { detail: { file, timeoutMs: opts.timeoutMs } })),
      opts.timeoutMs,
    );
    const onAbort = () => reject(new DriverError('SED_ABORTED', undefined, { detail: { file } }));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    work
      .then(resolve, (e: unknown) =>
        reject(
          opts.signal?.aborted
            ? new DriverError('SED_ABORTED')
            : e instanceof Error
              ? e
              : new Error(String(e)),
        ),
      )
      .finally(() => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      });
  });
}
