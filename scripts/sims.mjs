#!/usr/bin/env node
// `npm run sims -- serve …`: the simulator server (hardware-sims/cli/sims-main.ts), run through
// tsx as scripts/lockwarden.mjs runs the CLI. Unlike that one-shot CLI it is long-running and
// is stopped by a signal, so the child is spawned asynchronously and SIGINT/SIGTERM sent to this
// wrapper are passed on: the simulator closes its sockets, and we exit with its status.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'hardware-sims/cli/sims-main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: process.cwd() },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
