import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const READY = /Lockwarden is listening on (http:\/\/\S+)/;

export interface StartServerOptions {
  /** The admin's password on this first start (no change is required then). */
  adminPassword: string;
  /** More environment for the server (for example `LOCKWARDEN_LOG_LEVEL`). @default {} */
  env?: Record<string, string>;
  /** How long to wait for the "listening" line. @default 60000 */
  timeoutMs?: number;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove the temporary data directory. */
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx server/main.ts` in the repository root on a fresh temporary data
 * directory and a free port, and resolves once it prints `Lockwarden is listening on …`.
 * Rejects with everything it printed if it exits first or does not get there in time.
 */
export async function startServerProcess(options: StartServerOptions): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lockwarden-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCKWARDEN_DATA_DIR: dataDir,
      LOCKWARDEN_PORT: '0',
      LOCKWARDEN_HOST: '127.0.0.1',
      LOCKWARDEN_ADMIN_PASSWORD: options.adminPassword,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = async (): Promise<void> => {
    if (running()) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`The server did not say it was listening within ${timeoutMsOf(options)} ms:\n${out}`),
          ),
        timeoutMsOf(options),
      );
      const onData = (): void => {
        const match = READY.exec(out);
        if (!match?.[1]) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match[1]);
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`The server exited (${signal ?? code}) before listening:\n${out}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`The server could not be started: ${err.message}\n${out}`));
      });
    });
    return { url, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function timeoutMsOf(options: StartServerOptions): number {
  return options.timeoutMs ?? 60_000;
}
