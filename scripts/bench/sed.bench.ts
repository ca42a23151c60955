/**
 * `npm run bench -- sed [--drives N] [--concurrency C]`: "unlock all" after a power loss for N
 * simulated drives (default 200, on two hosts) through the real driver and the executable
 * sedutil-cli simulator (one process per command, as on a real host), against the ideal
 * measured in the same run: drives × (time of one unlock command) ÷ concurrency. Also reports
 * the CPU the job took (the console's and its sedutil-cli processes', Linux only) and the
 * CPU-bound ideal, which is the one that applies on a machine with fewer CPUs than the
 * concurrency: each command is two processes (identity query, then the keyed command), and
 * most of a simulator process's CPU is Node's own start-up.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDrive } from '../../hardware-sims/sed/drive-factory.ts';
import { createSimSedDrivers } from '../../hardware-sims/sed/sim-sed-drivers.ts';
import { powerCycleDrives } from '../../hardware-sims/sed/sim-control.ts';
import { FileFleetStore } from '../../hardware-sims/sed/file-fleet-store.ts';
import { buildServices } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/db/store.ts';
import type { SedDriver } from '../../server/drivers/sed/sed-driver.ts';
import { sedPasswordFromSecret } from '../../server/drivers/sed/sed-password.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { openHsm } from '../../server/registry/hsm-factory.ts';
import { SedDriverPort } from '../../server/services/sed/sed-driver-port.ts';
import { sedFleetOf } from '../../server/services/sed/sed-port.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DRIVES = arg('--drives', 200);
const CONCURRENCY = arg('--concurrency', 16);
const HOSTS = ['bench-01', 'bench-02'];

const dir = mkdtempSync(path.join(tmpdir(), 'lw-bench-sed-'));
const statePath = path.join(dir, 'sed-sim', 'state.json');
const config = loadConfig({ LOCKWARDEN_DATA_DIR: dir, LOCKWARDEN_SCENARIO: 'none' });
const logger = createLogger({ level: 'warn' });
const actor = {
  via: 'session' as const,
  user: {
    id: 'b',
    username: 'bench',
    role: 'admin' as const,
    passwordHash: '',
    mustChangePassword: false,
    disabled: false,
    createdAt: '',
    updatedAt: '',
  },
};
const meta = { requestId: 'bench', address: '127.0.0.1', userAgent: null };

function writeFleet() {
  // sedutil scans /dev/nvme0..99 per host: 100 NVMe drives per host.
  const drives = Array.from({ length: DRIVES }, (_, i) =>
    createDrive('samsung-960-evo-1t', {
      host: HOSTS[Math.floor(i / 100)] as string,
      device: `/dev/nvme${i % 100}`,
      index: i + 1,
      seed: `bench:${i}`,
    }),
  );
  mkdirSync(path.dirname(statePath), { recursive: true });
  writeFileSync(statePath, JSON.stringify({ version: 1, scenario: 'bench', drives }));
}

function consoleWith(
  drivers: Map<string, SedDriver>,
  store: Awaited<ReturnType<typeof openStore>>,
  hsm: Awaited<ReturnType<typeof openHsm>>,
) {
  const ports = new Map([...drivers].map(([h, d]) => [h, new SedDriverPort(d)] as const));
  return buildServices({ config, store, hsm, logger, sed: sedFleetOf(ports), jobRunner: { pollMs: 20 } });
}

/** CPU ms of this process and of its waited-for children (the sedutil-cli processes); Linux only. */
function cpuNow(): { console: number; tools: number | null } {
  const own = process.cpuUsage();
  return { console: (own.user + own.system) / 1000, tools: childrenCpuMs() };
}

/** CPU ms of the waited-for children so far (/proc/self/stat cutime + cstime); null off Linux. */
function childrenCpuMs(): number | null {
  try {
    // Fields 16 and 17, counted after the parenthesised command name; USER_HZ is 100 on Linux.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function waitJob(store: Awaited<ReturnType<typeof openStore>>, id: string) {
  for (;;) {
    const j = await store.jobs.find(id);
    if (j && ['succeeded', 'failed', 'cancelled'].includes(j.state)) return j;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function main() {
  if (DRIVES > 100 * HOSTS.length) throw new Error(`at most ${100 * HOSTS.length} drives`);
  writeFleet();
  const store = await openStore({ sqlitePath: path.join(dir, 'lockwarden.db') });
  const hsm = await openHsm(config, logger);

  // Setup, not measured: enroll every drive through the in-process simulator (same state file).
  const fast = await createSimSedDrivers({
    statePath,
    scenario: 'none',
    mode: 'in-process',
    maxConcurrent: CONCURRENCY,
  });
  let services = consoleWith(fast, store, hsm);
  await services.domains.ensureDefaults();
  await services.sed!.inventory.discover('bench', null);
  services.jobs.start();
  const drives = await store.sedDrives.listAll();
  const jobs = [];
  for (const d of drives) jobs.push(await services.sed!.workflows.enroll(actor, d.id, meta));
  for (const j of jobs) {
    const done = await waitJob(store, j.id);
    if (done.state !== 'succeeded') throw new Error(`enrollment failed: ${done.errorMessage}`);
  }
  await services.jobs.stop();
  for (const d of fast.values()) await d.close();

  // Power loss: every drive comes back locked.
  await powerCycleDrives(new FileFleetStore(statePath, 'none'), undefined, 'fleet');

  const real = await createSimSedDrivers({
    statePath,
    scenario: 'none',
    mode: 'executable',
    maxConcurrent: CONCURRENCY,
  });
  services = consoleWith(real, store, hsm);

  // The ideal's unit: one unlock command on one drive, through the driver, sequentially.
  const probe = (await store.sedDrives.listAll())[0]!;
  const raw = await services.secrets.unwrapForUse(probe.admin1SecretId!, 'process', {
    actor: 'bench',
    requestId: null,
    purpose: 'bench',
  });
  const admin1 = sedPasswordFromSecret(raw);
  const driver = real.get(probe.host)!;
  const samples: number[] = [];
  const probeCpu0 = cpuNow();
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await driver.setLockState({
      device: probe.devicePath,
      expectedSerial: probe.serial,
      admin1Password: admin1,
      range: 0,
      state: i % 2 ? 'locked' : 'unlocked',
    });
    samples.push(performance.now() - t);
  }
  const probeCpu1 = cpuNow();
  admin1.dispose();
  raw.dispose();
  await driver.setLockState({
    device: probe.devicePath,
    expectedSerial: probe.serial,
    admin1Password: sedPasswordFromSecret(
      await services.secrets.unwrapForUse(probe.admin1SecretId!, 'process', {
        actor: 'bench',
        requestId: null,
        purpose: 'bench',
      }),
    ),
    range: 0,
    state: 'locked',
  });
  const perCommandMs = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;
  const idealMs = (DRIVES * perCommandMs) / CONCURRENCY;
  // The same command's CPU (console + its sedutil-cli processes). While every command is
  // CPU-bound, no run beats drives × that ÷ min(concurrency, CPUs): on a 2-CPU machine with
  // concurrency 16, `ratio` cannot pass about 2/16 however fast each command gets.
  const cpus = availableParallelism();
  const perCommandCpuMs =
    probeCpu0.tools === null || probeCpu1.tools === null
      ? null
      : (probeCpu1.tools - probeCpu0.tools + probeCpu1.console - probeCpu0.console) / samples.length;
  const cpuIdealMs =
    perCommandCpuMs === null ? null : (DRIVES * perCommandCpuMs) / Math.min(CONCURRENCY, cpus);

  services.jobs.start();
  const cpu0 = cpuNow();
  const t0 = performance.now();
  const job = await store.transaction((tx) =>
    services.jobs.enqueue(tx, {
      kind: 'sed.unlock-all',
      params: { concurrency: CONCURRENCY },
      actor: 'bench',
    }),
  );
  const done = await waitJob(store, job.id);
  const actualMs = performance.now() - t0;
  const cpu1 = cpuNow();
  await services.jobs.stop();
  for (const d of real.values()) await d.close();
  await hsm.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  if (done.state !== 'succeeded' || done.failedItems > 0)
    throw new Error(`unlock-all: ${done.state}, ${done.failedItems} failed`);

  const figures = {
    bench: 'sed',
    drives: DRIVES,
    concurrency: CONCURRENCY,
    perCommandMs: Math.round(perCommandMs),
    idealMs: Math.round(idealMs),
    actualMs: Math.round(actualMs),
    rate: Math.round((DRIVES / actualMs) * 1000 * 10) / 10,
    baseline: Math.round((DRIVES / idealMs) * 1000 * 10) / 10,
    ratio: Math.round((idealMs / actualMs) * 1000) / 1000,
    cpus,
    perCommandCpuMs: perCommandCpuMs === null ? null : Math.round(perCommandCpuMs),
    cpuIdealMs: cpuIdealMs === null ? null : Math.round(cpuIdealMs),
    cpuRatio: cpuIdealMs === null ? null : Math.round((cpuIdealMs / actualMs) * 1000) / 1000,
    consoleCpuMs: Math.round(cpu1.console - cpu0.console),
    toolCpuMs: cpu0.tools === null || cpu1.tools === null ? null : Math.round(cpu1.tools - cpu0.tools),
  };
  console.log(
    `SED "unlock all" benchmark (${DRIVES} drives on ${HOSTS.length} hosts, executable sedutil-cli simulator)`,
  );
  console.log(`  one unlock command (median of 7) : ${figures.perCommandMs} ms`);
  console.log(`  ideal (drives × command ÷ ${CONCURRENCY})  : ${figures.idealMs} ms`);
  console.log(`  Lockwarden unlock-all job        : ${figures.actualMs} ms (${figures.rate} drives/s)`);
  console.log(`  ratio ideal / actual             : ${figures.ratio}`);
  console.log(
    `  CPU during the job               : console ${figures.consoleCpuMs} ms, sedutil-cli processes ${figures.toolCpuMs ?? '?'} ms`,
  );
  if (figures.cpuIdealMs !== null)
    console.log(
      `  CPU-bound ideal (drives × ${figures.perCommandCpuMs} ms CPU ÷ ${Math.min(CONCURRENCY, cpus)}): ${figures.cpuIdealMs} ms, ratio ${figures.cpuRatio} (${cpus} CPUs, shared with whatever else runs)`,
    );
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
