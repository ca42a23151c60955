import { execFile, type ExecFileException } from 'node:child_process';
import { DriverError } from '../core/driver-error.ts';

/**
 * The seam between the SED driver and a process (STYLE §3.4): the driver builds argv and parses
 * output; a runner only runs. `ExecFileRunner` runs the real binary (or the simulator
 * executable); `SedutilEmulatorRunner` (hardware-sims/sed) interprets the same argv in process.
 */
export interface CommandRunner {
  /**
   * Runs `file` with `args` (never through a shell) and resolves with its exit code and output,
   * whatever the exit code. Rejects only when there is no exit code to report:
   * `SED_TIMEOUT` (killed after `timeoutMs`), `SED_ABORTED` (`signal`), `SED_TOOL_UNAVAILABLE`
   * (could not be started), `SED_COMMAND_FAILED` (killed by a signal, or output over the cap).
   * Errors never contain `args` (they hold passwords).
   */
  run(file: string, args: readonly string[], opts: CommandRunOptions): Promise<CommandResult>;
}

export interface CommandRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Added to the child's environment (e.g. the simulator's state file). */
  env?: Readonly<Record<string, string>>;
  /** Per stream; more kills the child. Default 1 MiB (a full --query is ~2 KiB). */
  maxOutputBytes?: number;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

/**
 * Spawns with `execFile` and an argument array: no shell, so no quoting of passwords, and the
 * child's environment is minimal (PATH, `LC_ALL=C` for sedutil's strftime and messages, plus
 * `opts.env`): the console's own environment (database URL, …) never reaches the tool.
 */
export class ExecFileRunner implements CommandRunner {
  run(file: string, args: readonly string[], opts: CommandRunOptions): Promise<CommandResult> {
    const env = { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...opts.env, LC_ALL: 'C' };
    return new Promise((resolve, reject) => {
      execFile(
        file,
        [...args],
        {
          env,
          shell: false,
          encoding: 'utf8',
          timeout: opts.timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
          windowsHide: true,
          ...(opts.signal ? { signal: opts.signal } : {}),
        },
        (error, stdout, stderr) => {
          if (!error) return resolve({ exitCode: 0, stdout, stderr });
          const failure = classifySpawnError(error, file, opts);
          if (failure) return reject(failure);
          resolve({ exitCode: typeof error.code === 'number' ? error.code : 1, stdout, stderr });
        },
      );
    });
  }
}

/** A DriverError when the child produced no exit code worth parsing, else undefined. */
function classifySpawnError(
  error: ExecFileException,
  file: string,
  opts: CommandRunOptions,
): DriverError | undefined {
  const detail = { file };
  // The runner's error message embeds the command line: keep it out of `cause`.
  if (error.name === 'AbortError' || opts.signal?.aborted) {
    return new DriverError('SED_ABORTED', undefined, { detail });
  }
  if (typeof error.code === 'string') {
    if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
      return new DriverError('SED_COMMAND_FAILED', 'sedutil-cli wrote more output than allowed', {
        detail: {
          ...detail,
          reason: 'output-too-large',
          maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
        },
      });
    }
    return new DriverError('SED_TOOL_UNAVAILABLE', undefined, { detail: { ...detail, errno: error.code } });
  }
  if (error.killed && error.signal === 'SIGKILL') {
    return new DriverError('SED_TIMEOUT', undefined, { detail: { ...detail, timeoutMs: opts.timeoutMs } });
  }
  if (error.signal) {
    return new DriverError('SED_COMMAND_FAILED', `sedutil-cli was killed by ${error.signal}`, {
      detail: { ...detail, signal: error.signal },
    });
  }
  return undefined;
}
