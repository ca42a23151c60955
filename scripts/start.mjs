#!/usr/bin/env node
// `npm start`: the console on a simulated fleet, from a fresh clone. Installs what is missing
// (npm packages; SoftHSM2 + OpenSC when root), rebuilds the dashboard only when its sources
// changed (so the second start takes seconds), then runs the server in the foreground with
// signals passed through and its exit code returned.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Checked before loading anything else, so an old Node prints this instead of a syntax error.
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Lockwarden needs Node.js 20 or newer; this is ${process.version}. See https://nodejs.org/.`);
  process.exit(1);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { existsSync } = await import('node:fs');
const { ensureNpmDependencies } = await import('./lib/npm-deps.mjs');
const { START_PACKAGES, ensurePackages } = await import('./lib/system-packages.mjs');
const { isStale } = await import('./lib/freshness.mjs');
const { killRunning, run, runChecked } = await import('./lib/run.mjs');

/** SoftHSM2 is the default HSM. Without it we can go on only with another PKCS#11 module. */
function ensureHsmPackages() {
  try {
    ensurePackages(START_PACKAGES);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    const module = process.env.LOCKWARDEN_HSM_MODULE;
    if (!module || !existsSync(module)) {
      console.error('…or set LOCKWARDEN_HSM_MODULE to the path of an installed PKCS#11 module.');
      process.exit(1);
    }
    console.log(`Continuing with the PKCS#11 module ${module} (LOCKWARDEN_HSM_MODULE).`);
  }
}

async function buildDashboardIfStale() {
  const client = path.join(root, 'client');
  if (!existsSync(path.join(client, 'vite.config.ts'))) {
    console.log('No dashboard sources yet (client/vite.config.ts): starting the API only.');
    return;
  }
  // dist/ and node_modules/ are skipped by isStale, so the output never makes itself stale.
  if (!isStale(path.join(client, 'dist/index.html'), [client, path.join(root, 'shared')])) return;
  console.log('Building the dashboard…');
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  await runChecked(vite, ['build', 'client', '--logLevel', 'warn'], { cwd: root });
}

try {
  if (ensureNpmDependencies(root)) console.log('npm dependencies installed.');
  ensureHsmPackages();
  await buildDashboardIfStale();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

console.log('Starting Lockwarden…');
// Our handlers keep this process alive until the server has shut down cleanly; the server
// stops on the first signal and ignores repeats, so forwarding a terminal's Ctrl-C (which
// reached both of us) is harmless.
const server = run(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], { cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => killRunning(signal));
}
try {
  process.exit(await server);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
