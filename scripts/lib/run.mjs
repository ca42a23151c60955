// Child processes for start.mjs and test.mjs: inherited stdio (the user sees tsc, eslint and
// vitest output as is), a promise of the exit code, and a list of running children so a
// SIGINT/SIGTERM handler can pass the signal on instead of leaving orphans behind.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const running = new Set();

/** Shell convention for "killed by a signal": 128 + its number (SIGINT → 130, SIGTERM → 143). */
export function signalExitCode(signal) {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Runs a command to completion; resolves with its exit code (never rejects for a non-zero one). */
export function run(cmd, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: 'inherit' });
    running.add(child);
    child.once('error', (err) => {
      running.delete(child);
      reject(new Error(`could not run ${cmd}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signalExitCode(signal));
    });
  });
}

/** Like run(), but a non-zero exit is an error naming the command. */
export async function runChecked(cmd, args, opts) {
  const code = await run(cmd, args, opts);
  if (code !== 0) throw new Error(`\`${[cmd, ...args].join(' ')}\` exited with code ${code}`);
}

export function killRunning(signal) {
  for (const child of running) child.kill(signal);
}
