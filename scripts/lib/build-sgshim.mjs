#!/usr/bin/env node
// Builds hardware-sims/sgshim/sgshim.c, the LD_PRELOAD shim that lets sg_inq, sg_raw, mtx and
// stenc talk to the tape emulators, with the machine's C compiler. The .so goes under
// node_modules/.cache (never committed, and a fresh clone builds it on first use) and is rebuilt
// only when the source is newer. Run directly, it prints the library's path.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStale } from './freshness.mjs';
import { findCommand } from './system-packages.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SGSHIM_SOURCE = path.join(root, 'hardware-sims/sgshim/sgshim.c');
export const SGSHIM_LIBRARY = path.join(root, 'node_modules/.cache/lockwarden/sgshim/libsgshim.so');

/** `$CC`, else cc, else gcc; undefined when there is no compiler. */
export function findCompiler(env = process.env) {
  if (env.CC) return env.CC;
  return findCommand('cc') ?? findCommand('gcc');
}

/**
 * Compiles the shim when the library is missing or older than its source; returns its path and
 * whether it was built. Throws with the compiler's output when compiling fails. Safe to call
 * from parallel processes: each compiles to its own temporary name and renames it into place.
 */
export function buildSgShim({ output = SGSHIM_LIBRARY, source = SGSHIM_SOURCE, log = () => {} } = {}) {
  if (!isStale(output, [source])) return { path: output, built: false };
  const cc = findCompiler();
  if (!cc) throw new Error('no C compiler (cc/gcc) to build the sg shim: install gcc');
  mkdirSync(path.dirname(output), { recursive: true });
  const temp = `${output}.${process.pid}.tmp`;
  const args = [
    '-shared',
    '-fPIC',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-o',
    temp,
    source,
    '-ldl',
    '-lpthread',
  ];
  log(`${cc} ${args.join(' ')}`);
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(temp, { force: true });
    throw new Error(`building the sg shim failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  }
  renameSync(temp, output);
  return { path: output, built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(buildSgShim({ log: (line) => console.error(line) }).path);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
