// Child processes for start.mjs and test.mjs: inherited stdio (the user sees tsc, eslint and
// vitest output as is), a promise of the exit code, and a list of running children so a
// SIGINT/SIGTERM handler can pass the signal on instead of leaving orphans behind.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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

/** Every process below `root` (Linux /proc), so that e.g. Vitest's worker forks are included. */
function descendants(root) {
  const byParent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8'); // "pid (comm) state ppid …"
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  for (let queue = [root]; queue.length > 0;) {
    const kids = byParent.get(queue.shift()) ?? [];
    found.push(...kids);
    queue.push(...kids);
  }
  return found;
}

/**
 * Passes a signal to our children and their children: killing only Vitest's main process would
 * orphan its workers, which keep running tests against a database that is being removed.
 */
export function killRunning(signal) {
  const pids = existsSync('/proc/self/stat') ? descendants(process.pid) : [...running].map((c) => c.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
