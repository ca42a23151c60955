#!/usr/bin/env node
// `npm test`: everything CI checks, from a fresh clone on a fresh Debian machine.
// Steps: npm deps → system packages → typecheck → lint → client build → throwaway PostgreSQL →
// Vitest → the last line `N passed, N failed` (the form CI reads). Extra arguments go to Vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNpmDependencies } from './lib/npm-deps.mjs';
import { ensurePackages } from './lib/system-packages.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);
const started = Date.now();
let pg;

function step(name, fn) {
  const t = Date.now();
  console.log(`\n▶ ${name}`);
  fn();
  console.log(`  ✓ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

function run(cmd, args, env = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function fail(err) {
  console.error(`\n✗ ${err instanceof Error ? err.message : String(err)}`);
  pg?.stop();
  console.log('0 passed, 1 failed');
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    pg?.stop();
    process.exit(130);
  });
}

try {
  step('npm dependencies', () => ensureNpmDependencies(root));
  step('system packages', () => ensurePackages(['postgresql', 'softhsm2', 'opensc', 'chromium']));
  step('typecheck', () => {
    run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
    if (existsSync(path.join(root, 'client/tsconfig.json')))
      run('npx', ['vue-tsc', '-p', 'client/tsconfig.json', '--noEmit']);
  });
  step('lint', () => {
    run('npx', ['eslint', '.']);
    run('npx', ['prettier', '--check', '.']);
  });
  if (existsSync(path.join(root, 'client/vite.config.ts')))
    step('client build', () => run('npx', ['vite', 'build', 'client', '--logLevel', 'warn']));
} catch (err) {
  fail(err);
}

const { startTempPostgres } = await import('./pg-temp.mjs');
try {
  const t = Date.now();
  console.log('\n▶ PostgreSQL (throwaway)');
  pg = await startTempPostgres();
  console.log(
    `  ✓ PostgreSQL at ${pg.url.replace(/\/\/[^@]+@/, '//…@')} (${((Date.now() - t) / 1000).toFixed(1)} s)`,
  );
} catch (err) {
  fail(err);
}

const results = path.join(root, '.tmp/vitest-results.json');
mkdirSync(path.dirname(results), { recursive: true });
rmSync(results, { force: true });
console.log('\n▶ tests');
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...extraArgs],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LOCKWARDEN_TEST_PG_URL: pg.url },
  },
);
pg.stop();

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
