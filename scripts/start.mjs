#!/usr/bin/env node
// `npm start`: the console with the simulated fleet, from a fresh clone. Installs what is
// missing (npm deps; SoftHSM2 as root), builds the dashboard when its sources changed, then
// runs the server in the foreground, passing signals through.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNpmDependencies } from './lib/npm-deps.mjs';
import { ensurePackages } from './lib/system-packages.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Lockwarden needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

try {
  ensureNpmDependencies(root);
  const usesSoftHsm = (process.env.LOCKWARDEN_HSM_KIND ?? 'softhsm') === 'softhsm';
  if (usesSoftHsm) ensurePackages(['softhsm2', 'opensc']);
  const index = path.join(root, 'client/dist/index.html');
  const sources = Math.max(newestMtime(path.join(root, 'client')), newestMtime(path.join(root, 'shared')));
  if (
    existsSync(path.join(root, 'client/vite.config.ts')) &&
    (!existsSync(index) || statSync(index).mtimeMs < sources)
  ) {
    console.log('Building the dashboard…');
    const build = spawnSync('npx', ['vite', 'build', 'client', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
