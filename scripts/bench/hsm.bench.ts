/**
 * `npm run bench -- hsm [--count N]`: on one SoftHSM2 token, in one run,
 *  (a) baseline: a tight synchronous pkcs11js generate+wrap loop (scripts/bench/hsm-raw-loop.ts),
 *  (b) Lockwarden: N tape data keys generated and wrapped in the HSM through the driver's
 *      worker thread and committed durably (SQLite, synchronous=FULL) with one audit record each,
 * and the ratio (b)/(a). The baseline runs before and after (b) and is averaged, because this
 * machine's speed drifts. Also reports event-loop delay p99 during (b), peak RSS of this process,
 * and peak RSS of the driver's bulk helper processes (PKCS#11 in processes of their own), with
 * how many batches they took.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
import { kekLabel } from '../../server/services/keys/hsm-port.ts';
import { SECRET_BATCH } from '../../server/services/keys/managed-secrets.service.ts';

const countArg = process.argv.indexOf('--count');
const COUNT = countArg > 0 ? Number(process.argv[countArg + 1]) : 10_000;
const ROUNDS = 3;
const dir = mkdtempSync(path.join(tmpdir(), 'lw-bench-hsm-'));
const config = loadConfig({ LOCKWARDEN_DATA_DIR: dir, LOCKWARDEN_SCENARIO: 'none' });
const logger = createLogger({ level: 'warn' });

/** RSS of this process's children that run the PKCS#11 worker (Linux /proc; 0 elsewhere). */
function helperRss(): number {
  let total = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[1]) !== process.pid) continue;
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pkcs11-worker')) continue;
        total += Number(fields[21]) * 4096;
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return total;
}

function baseline(
  token: Awaited<ReturnType<typeof ensureSoftHsmToken>>,
  kek: string,
  withKcv = false,
): number {
  return rawBaseline(token, kek, COUNT, withKcv);
}

async function main() {
  const token = await ensureSoftHsmToken({
    dir: path.join(dir, 'hsm'),
    tokenLabel: config.drivers.hsm.tokenLabel,
  });
  const store = await openStore({ sqlitePath: path.join(dir, 'lockwarden.db') });
  let hsm = await openHsm(config, logger);
  let services = buildServices({ config, store, hsm, logger });
  await services.domains.create(
    {
      via: 'session',
      user: {
        id: 'bench',
        username: 'bench',
        role: 'admin',
        passwordHash: '',
        mustChangePassword: false,
        disabled: false,
        createdAt: '',
        updatedAt: '',
      },
    },
    { id: 'bench-tapes', description: 'benchmark', purpose: 'tape', rotationPeriodDays: null },
    { requestId: 'bench', address: '127.0.0.1', userAgent: null },
  );
  // The raw loop needs the module to itself in its own process; close ours meanwhile.
  await hsm.close();
  const kek = kekLabel('bench-tapes', 1);
  const before = baseline(token, kek);
  const sameWorkBefore = baseline(token, kek, true);

  hsm = await openHsm(config, logger);
  services = buildServices({ config, store, hsm, logger });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage().rss;
  let peakHelperRss = 0;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakHelperRss = Math.max(peakHelperRss, helperRss());
  }, 50);
  loop.enable();
  // Three rounds, median: this machine's speed drifts by ±10% from one second to the next.
  const rounds: number[] = [];
  let records: unknown[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    records = await services.secrets.generate({
      domainId: 'bench-tapes',
      kind: 'tape-data-key',
      count: COUNT,
      activate: false,
      actor: 'bench',
      requestId: null,
    });
    rounds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const seconds = [...rounds].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number;
  loop.disable();
  clearInterval(rssTimer);
  const auditCount =
    (await store.audit.list({ limit: ROUNDS * COUNT + 10, action: 'secret.create' })).length / ROUNDS;
  const bulk = 'bulkStatus' in hsm ? (hsm.bulkStatus as { calls: number; fallbacks: number }) : null;
  await hsm.close();
  const after = baseline(token, kek);
  const sameWorkAfter = baseline(token, kek, true);
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  if (records.length !== COUNT || auditCount !== COUNT)
    throw new Error(`expected ${COUNT} keys and audit records, got ${records.length} / ${auditCount}`);
  const rate = COUNT / seconds;
  const base = (before + after) / 2;
  const sameWork = (sameWorkBefore + sameWorkAfter) / 2;
  const p99 = loop.percentile(99) / 1e6;
  const figures = {
    bench: 'hsm',
    count: COUNT,
    rounds: rounds.map((r) => Math.round(COUNT / r)),
    rate: Math.round(rate),
    baseline: Math.round(base),
    baselineBefore: Math.round(before),
    baselineAfter: Math.round(after),
    ratio: Math.round((rate / base) * 1000) / 1000,
    baselineWithKcv: Math.round(sameWork),
    ratioSameWork: Math.round((rate / sameWork) * 1000) / 1000,
    eventLoopP99Ms: Math.round(p99 * 10) / 10,
    peakRssMiB: Math.round(peakRss / 1048576),
    peakRssHelpersMiB: Math.round(peakHelperRss / 1048576),
    batches: Math.ceil(COUNT / SECRET_BATCH) * ROUNDS,
    helperBatches: bulk?.calls ?? 0,
  };
  console.log(`HSM enrollment benchmark (SoftHSM2, ${COUNT} AES-256 tape data keys)`);
  console.log(
    `  baseline, raw pkcs11js loop : ${figures.baseline} keys/s (before ${figures.baselineBefore}, after ${figures.baselineAfter})`,
  );
  console.log(
    `  Lockwarden end to end       : ${figures.rate} keys/s (generated, wrapped, committed with audit; median of rounds ${figures.rounds.join(', ')})`,
  );
  console.log(`  ratio                       : ${figures.ratio} (target >= 0.7)`);
  console.log(
    `  baseline incl. KCV per key  : ${figures.baselineWithKcv} keys/s (the HSM work Lockwarden does per key)`,
  );
  console.log(`  ratio vs same HSM work      : ${figures.ratioSameWork}`);
  console.log(`  event-loop delay p99        : ${figures.eventLoopP99Ms} ms`);
  console.log(
    `  peak RSS                    : ${figures.peakRssMiB} MiB (+ ${figures.peakRssHelpersMiB} MiB in HSM helper processes)`,
  );
  console.log(`  batches on helper processes : ${figures.helperBatches} of ${figures.batches}`);
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
