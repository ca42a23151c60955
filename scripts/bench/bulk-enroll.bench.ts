/**
 * `npm run bench -- bulk-enroll [--count N]`: enrolls N new cartridges (default 10,000) into a
 * library of the `datacenter` scenario through the whole job path — REST-level request checks,
 * the durable job, data keys generated and wrapped in SoftHSM2, cartridge + key rows and one
 * audit record per cartridge committed with SQLite synchronous=FULL, progress events — and in
 * the same run the raw pkcs11js generate+wrap loop on the same token as the baseline (before
 * and after, averaged: this machine's speed drifts). Prints cartridges/s, the ratio (target
 * >= 0.6), event-loop delay p99 and peak RSS, then one line of JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ensureSoftHsmToken } from '../../hardware-sims/hsm/softhsm.ts';
import { rawBaseline } from './raw-baseline.ts';
import { buildServices } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/db/store.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { openHsm } from '../../server/registry/hsm-factory.ts';
import { openTapeFleet } from '../../server/registry/tape-factory.ts';
import { kekLabel } from '../../server/services/keys/hsm-port.ts';

const countArg = process.argv.indexOf('--count');
const COUNT = countArg > 0 ? Number(process.argv[countArg + 1]) : 10_000;
const dir = mkdtempSync(path.join(tmpdir(), 'lw-bench-enroll-'));
const config = loadConfig({ LOCKWARDEN_DATA_DIR: dir, LOCKWARDEN_SCENARIO: 'datacenter' });
const logger = createLogger({ level: 'warn' });
const ctx = { actor: 'bench', requestId: null };

function baseline(token: Awaited<ReturnType<typeof ensureSoftHsmToken>>, kek: string): number {
  return rawBaseline(token, kek, COUNT);
}

/** The VOLSER range of COUNT new cartridges: N00000L9 … */
function range(): { from: string; to: string } {
  const last = String(COUNT - 1).padStart(5, '0');
  return { from: 'N00000L9', to: `N${last}L9` };
}

async function main() {
  if (COUNT < 1 || COUNT > 100_000) throw new Error('--count must be 1..100000');
  const token = await ensureSoftHsmToken({
    dir: path.join(dir, 'hsm'),
    tokenLabel: config.drivers.hsm.tokenLabel,
  });
  const store = await openStore({ sqlitePath: path.join(dir, 'lockwarden.db') });
  const tape = await openTapeFleet(config);
  let hsm = await openHsm(config, logger);
  let services = buildServices({ config, store, hsm, logger, tape: tape.port });
  const t = services.tape;
  if (!t) throw new Error('no tape services');
  await services.seals.ensureKey();
  await t.inventory.refresh();
  const library = t.inventory.listLibraries()[0];
  if (!library?.serial) throw new Error('the datacenter scenario has no library');
  const serial = library.serial;
  const { keyDomainId } = await t.pools.library(serial);
  await t.pools.createPool(
    serial,
    { name: 'new delivery', selector: { kind: 'range', ...range() }, keyPolicy: 'per-cartridge' },
    ctx,
  );
  // The raw loop needs the module to itself in its own process; close ours meanwhile.
  await hsm.close();
  const kek = kekLabel(keyDomainId, 1);
  const before = baseline(token, kek);

  hsm = await openHsm(config, logger);
  hsm.prepareBulk?.(); // as server/main.ts does at start-up
  services = buildServices({ config, store, hsm, logger, tape: tape.port });
  const tapeServices = services.tape;
  if (!tapeServices) throw new Error('no tape services');
  await tapeServices.inventory.refresh();
  await new Promise((r) => setTimeout(r, 1500)); // a console is up for longer than this before anyone enrolls
  let progressEvents = 0;
  services.events.on('job:progress', () => progressEvents++);
  services.jobs.start();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  loop.enable();
  const start = process.hrtime.bigint();
  const { job } = await tapeServices.enrollment.request(
    { librarySerial: serial, source: { kind: 'range', ...range() }, preview: false },
    ctx,
  );
  if (!job) throw new Error('nothing to enroll');
  const requestMs = Number(process.hrtime.bigint() - start) / 1e6;
  const finished = await new Promise<{ state: string; done: number }>((resolve) => {
    services.events.on('job:progress', (p) => {
      if (p.id === job.id && ['succeeded', 'failed', 'cancelled'].includes(p.state)) resolve(p);
    });
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  loop.disable();
  clearInterval(rssTimer);
  await services.jobs.stop();
  const enrolled = (await store.tape.listCartridges({ librarySerial: serial, limit: 1, offset: 0 })).total;
  const audited = (await store.audit.list({ limit: COUNT + 10, action: 'tape.enroll' })).length;
  await hsm.close();
  const after = baseline(token, kek);
  await tape.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  if (finished.state !== 'succeeded' || enrolled !== COUNT || audited !== COUNT)
    throw new Error(
      `job ${finished.state}: ${enrolled} cartridges, ${audited} audit records (expected ${COUNT})`,
    );
  const rate = COUNT / seconds;
  const base = (before + after) / 2;
  const figures = {
    bench: 'bulk-enroll',
    count: COUNT,
    seconds: Math.round(seconds * 100) / 100,
    rate: Math.round(rate),
    baseline: Math.round(base),
    baselineBefore: Math.round(before),
    baselineAfter: Math.round(after),
    ratio: Math.round((rate / base) * 1000) / 1000,
    progressEvents,
    requestMs: Math.round(requestMs),
    eventLoopP99Ms: Math.round((loop.percentile(99) / 1e6) * 10) / 10,
    peakRssMiB: Math.round(peakRss / 1048576),
  };
  console.log(`Bulk enrollment benchmark (datacenter scenario, ${COUNT} new cartridges, SoftHSM2, SQLite)`);
  console.log(
    `  baseline, raw pkcs11js loop : ${figures.baseline} keys/s (before ${figures.baselineBefore}, after ${figures.baselineAfter})`,
  );
  console.log(
    `  Lockwarden enrollment job   : ${figures.rate} cartridges/s (${figures.seconds} s: request, job, keys, rows, audit, ${progressEvents} progress events)`,
  );
  console.log(`  ratio                       : ${figures.ratio} (target >= 0.6)`);
  console.log(
    `  of which the request        : ${figures.requestMs} ms (range expanded, checked, job queued)`,
  );
  console.log(`  event-loop delay p99        : ${figures.eventLoopP99Ms} ms`);
  console.log(`  peak RSS                    : ${figures.peakRssMiB} MiB`);
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
