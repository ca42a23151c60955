#!/usr/bin/env node
// `npm test`: everything CI checks, from a fresh clone on a fresh Debian 12 machine (CI runs it
// as root through .ci/run, so it installs what is missing). Stops at the first failing step.
// Extra arguments go to Vitest: `npm test -- test/unit`.
//
// The LAST line is always `N passed, N failed[, N skipped]`: CI reads that line (it does not
// recognise Vitest's summary), and a failure before the tests reports `0 passed, 1 failed`.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNpmDependencies } from './lib/npm-deps.mjs';
import { killRunning, run, runChecked, signalExitCode } from './lib/run.mjs';
import { buildSgShim } from './lib/build-sgshim.mjs';
import { TEST_PACKAGES, ensurePackages } from './lib/system-packages.mjs';
import { formatSummary, summarizeVitestReport } from './lib/vitest-summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitestArgs = process.argv.slice(2);
const resultsFile = '.tmp/vitest-results.json';
const FAILED_EARLY = formatSummary({ passed: 0, failed: 1, skipped: 0 });
const STEPS = 9;

// The project's own binaries, as `npx` would find them, but started directly: no registry
// look-up, and a signal we forward reaches the tool itself rather than an npx wrapper.
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const npx = (name, ...args) => runChecked(bin(name), args, { cwd: root });
const note = (text) => console.log(`  note: ${text}`);

// The throwaway PostgreSQL must go away however this process ends. stop() is synchronous, so
// it also runs inside the 'exit' handler (uncaught errors, process.exit from anywhere).
let pg;
function stopPostgres() {
  const server = pg;
  pg = undefined;
  server?.stop();
}
process.on('exit', stopPostgres);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`\n${signal}: stopping`);
    killRunning(signal); // a SIGTERM from CI reaches only us; pass it on to vitest/tsc/…
    stopPostgres();
    console.log(FAILED_EARLY);
    process.exit(signalExitCode(signal));
  });
}

const timings = [];
async function step(title, fn) {
  console.log(`\n▶ [${timings.length + 1}/${STEPS}] ${title}`);
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    const seconds = (Date.now() - t0) / 1000;
    timings.push(`${title} ${seconds.toFixed(1)} s`);
    console.log(`  ${title}: ${seconds.toFixed(1)} s`);
  }
}

async function checksBeforeTests() {
  await step('npm dependencies', () => {
    if (!ensureNpmDependencies(root)) note('node_modules is up to date');
  });
  await step('system packages', () => {
    const installed = ensurePackages(TEST_PACKAGES);
    if (installed.length === 0) note(`present: ${TEST_PACKAGES.join(', ')}`);
  });
  await step('LD_PRELOAD shim for the SCSI tools', () => {
    const shim = buildSgShim({ log: (line) => note(line) });
    if (!shim.built) note(`up to date: ${path.relative(root, shim.path)}`);
  });
  await step('typecheck', async () => {
    await npx('tsc', '-p', 'tsconfig.json', '--noEmit');
    // The client is written in parallel; until it has a tsconfig there is nothing to check.
    if (existsSync(path.join(root, 'client/tsconfig.json')))
      await npx('vue-tsc', '-p', 'client/tsconfig.json', '--noEmit');
    else note('client/tsconfig.json does not exist yet: skipping vue-tsc');
  });
  await step('lint', async () => {
    await npx('eslint', '.');
    await npx('prettier', '--check', '.');
  });
  await step('client build', async () => {
    if (existsSync(path.join(root, 'client/vite.config.ts'))) await npx('vite', 'build', 'client');
    else note('client/vite.config.ts does not exist yet: skipping the client build');
  });
  await step('PostgreSQL (throwaway)', async () => {
    const { startTempPostgres } = await import('./pg-temp.mjs');
    pg = await startTempPostgres();
    note(`listening at ${pg.url}`);
  });
}

try {
  await checksBeforeTests();
} catch (err) {
  console.error(`\n✗ ${err instanceof Error ? err.message : String(err)}`);
  stopPostgres();
  console.log(FAILED_EARLY);
  process.exit(1);
}

mkdirSync(path.join(root, '.tmp'), { recursive: true });
rmSync(path.join(root, resultsFile), { force: true }); // never read a previous run's report
const vitestExit = await step('tests (vitest)', () =>
  run(
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile=${resultsFile}`, ...vitestArgs],
    { cwd: root, env: { ...process.env, LOCKWARDEN_TEST_PG_URL: pg.url } },
  ).catch((err) => {
    console.error(`\n✗ ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }),
);
await step('stop PostgreSQL', () => stopPostgres());

let report;
try {
  report = JSON.parse(readFileSync(path.join(root, resultsFile), 'utf8'));
} catch {
  console.error(`\n✗ no readable ${resultsFile}: Vitest exited with code ${vitestExit} before writing it`);
}
const summary = summarizeVitestReport(report, vitestExit);
console.log(`\nTimings: ${timings.join(', ')}`);
console.log(formatSummary(summary));
process.exit(summary.failed > 0 ? 1 : 0);
