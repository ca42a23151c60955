import { z } from 'zod';
import type { Store, TxContext } from '../../domain/repositories.ts';
import type { TapeCartridgeRecord, TapeKeyRecord, TapePoolRecord } from '../../domain/tape-repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { pooledRandom } from '../../platform/ids.ts';
import type { AuditService } from '../audit.service.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import { SECRET_BATCH, type ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { selectorCovers } from './cartridge-barcodes.ts';

export const TAPE_ENROLL_JOB = 'tape.enroll';

const ParamsSchema = z.object({
  librarySerial: z.string(),
  keyDomainId: z.string(),
  barcodes: z.array(z.string()).min(1),
});
export type TapeEnrollParams = z.infer<typeof ParamsSchema>;

/**
 * The key reference a drive carries in the U-KAD and writes beside every block: random, so it
 * says nothing about the key, and short enough for any drive's U-KAD (≤ 32 bytes).
 */
export function newKeyRef(): string {
  return `LW-${pooledRandom(8).toString('hex').toUpperCase()}`;
}

interface Deps {
  events: DomainEvents;
  store: Store;
  secrets: ManagedSecretsService;
  audit: AuditService;
  clock: Clock;
}

/**
 * Bulk enrollment: for each barcode not yet enrolled, a data key generated and wrapped in the
 * HSM (batches of SECRET_BATCH, the HSM working on the next batch while this one commits),
 * committed in one transaction with its key reference, its cartridge row and one audit record
 * per cartridge. Idempotent per barcode: a resumed or repeated job skips what is committed,
 * so a crash anywhere leaves each cartridge with exactly one key or none.
 */
export function tapeEnrollmentJob(d: Deps): JobHandler<TapeEnrollParams> {
  return {
    kind: TAPE_ENROLL_JOB,
    paramsSchema: ParamsSchema,
    async run(ctx) {
      const { librarySerial, keyDomainId, barcodes } = ctx.params;
      const total = barcodes.length;
      const pools = await d.store.tape.listPools(librarySerial);
      const existing = await d.store.tape.existingBarcodes(barcodes);
      const todo = barcodes.filter((b) => !existing.has(b));
      let done = total - todo.length;
      let failed = 0;
      const actor = ctx.job.createdBy;
      await ctx.progress({ done, total, failedItems: failed });

      // Pools may have changed since the request was checked: a barcode no pool covers now is
      // a failed item, recorded, never enrolled into the wrong pool.
      const byPolicy = {
        cartridge: [] as [string, TapePoolRecord][],
        pool: [] as [string, TapePoolRecord][],
      };
      const orphans: string[] = [];
      for (const barcode of todo) {
        const pool = pools.find((p) => selectorCovers(p, barcode));
        if (!pool) orphans.push(barcode);
        else byPolicy[pool.keyPolicy === 'per-pool' ? 'pool' : 'cartridge'].push([barcode, pool]);
      }
      if (orphans.length > 0) {
        failed += orphans.length;
        done += orphans.length;
        await d.store.transaction((tx) =>
          d.audit.recordMany(
            tx,
            orphans.map((b) => ({
              actor,
              action: 'tape.enroll',
              target: `cartridge:${b}`,
              outcome: 'failure' as const,
              requestId: null,
              details: {
                library: librarySerial,
                jobId: ctx.job.id,
                error: 'no pool of the library covers it',
              },
            })),
          ),
        );
        await ctx.progress({ done, total, failedItems: failed });
      }

      // Shared pool keys: one key per pool and period, cartridges committed in batches.
      for (let i = 0; i < byPolicy.pool.length; i += SECRET_BATCH) {
        ctx.signal.throwIfAborted();
        const batch = byPolicy.pool.slice(i, i + SECRET_BATCH);
        for (const [, pool] of batch) await ensurePoolKey(d, pool, keyDomainId, actor, ctx.job.id);
        const refreshed = new Map((await d.store.tape.listPools(librarySerial)).map((p) => [p.id, p]));
        await d.store.transaction(async (tx) => {
          const now = d.clock.now().toISOString();
          const rows = batch.map(([barcode, pool]) =>
            cartridgeRow(
              barcode,
              librarySerial,
              pool.id,
              refreshed.get(pool.id)?.currentKeyRef as string,
              now,
            ),
          );
          await tx.tape.insertCartridges(rows);
          await d.audit.recordMany(
            tx,
            rows.map((r) => ({
              actor,
              action: 'tape.enroll',
              target: `cartridge:${r.barcode}`,
              outcome: 'success' as const,
              requestId: null,
              details: { library: librarySerial, pool: r.poolId, keyRef: r.keyRef, jobId: ctx.job.id },
            })),
          );
        });
        done += batch.length;
        d.events.emit('cartridges:changed', { librarySerial, barcodes: batch.map(([b]) => b) });
        await ctx.progress({ done, total, failedItems: failed });
      }

      // One key per cartridge: generated, wrapped and committed together, batch by batch.
      const perCartridge = byPolicy.cartridge;
      if (perCartridge.length === 0) return;
      const refs = perCartridge.map(() => newKeyRef());
      const refOf = new Map(perCartridge.map(([b], i) => [b, refs[i]]));
      let offset = 0;
      await d.secrets.generate({
        domainId: keyDomainId,
        kind: 'tape-data-key',
        count: perCartridge.length,
        ownerRefs: perCartridge.map(([b]) => b),
        activate: true,
        actor,
        requestId: null,
        commitWith: (tx, records) => {
          const start = offset;
          offset += records.length;
          return commitCartridges(
            tx,
            librarySerial,
            perCartridge.slice(start, offset),
            refs.slice(start, offset),
            records,
            d.clock,
          );
        },
        auditAs: (r) => ({
          action: 'tape.enroll',
          target: `cartridge:${r.ownerRef ?? ''}`,
          details: { library: librarySerial, keyRef: refOf.get(r.ownerRef ?? ''), jobId: ctx.job.id },
        }),
        afterBatch: async (records) => {
          done += records.length;
          d.events.emit('cartridges:changed', {
            librarySerial,
            barcodes: records.map((r) => r.ownerRef ?? ''),
          });
          await ctx.progress({ done, total, failedItems: failed });
          ctx.signal.throwIfAborted();
        },
      });
    },
  };
}

function cartridgeRow(
  barcode: string,
  librarySerial: string,
  poolId: string,
  keyRef: string,
  now: string,
): TapeCartridgeRecord {
  return {
    barcode,
    librarySerial,
    poolId,
    state: 'enrolled',
    keyRef,
    enrolledAt: now,
    lastMountedAt: null,
    lastVerifiedAt: null,
    verifyResult: null,
    updatedAt: now,
  };
}

async function commitCartridges(
  tx: TxContext,
  librarySerial: string,
  items: [string, TapePoolRecord][],
  refs: string[],
  records: { id: string; ownerRef: string | null }[],
  clock: Clock,
): Promise<void> {
  const now = clock.now().toISOString();
  const keys: TapeKeyRecord[] = records.map((r, i) => ({
    keyRef: refs[i] as string,
    secretId: r.id,
    librarySerial,
    poolId: (items[i] as [string, TapePoolRecord])[1].id,
    barcode: r.ownerRef,
    createdAt: now,
  }));
  await tx.tape.insertKeys(keys);
  await tx.tape.insertCartridges(
    items.map(([barcode, pool], i) => cartridgeRow(barcode, librarySerial, pool.id, refs[i] as string, now)),
  );
}

/** The pool's current shared key, or a new one when there is none or its period is over. */
export async function ensurePoolKey(
  d: Deps,
  pool: TapePoolRecord,
  keyDomainId: string,
  actor: string,
  jobId: string | null,
): Promise<string> {
  const fresh = await d.store.tape.findPool(pool.id);
  const now = d.clock.now();
  if (fresh?.currentKeyRef && fresh.currentKeyUntil && fresh.currentKeyUntil > now.toISOString())
    return fresh.currentKeyRef;
  const keyRef = newKeyRef();
  const until = new Date(now.getTime() + (pool.keyPeriodDays ?? 30) * 86_400_000).toISOString();
  await d.secrets.generate({
    domainId: keyDomainId,
    kind: 'tape-data-key',
    count: 1,
    ownerRefs: [`pool:${pool.id}`],
    activate: true,
    actor,
    requestId: null,
    commitWith: async (tx, [record]) => {
      await tx.tape.insertKeys([
        {
          keyRef,
          secretId: (record as { id: string }).id,
          librarySerial: pool.librarySerial,
          poolId: pool.id,
          barcode: null,
          createdAt: now.toISOString(),
        },
      ]);
      await tx.tape.updatePool(pool.id, {
        currentKeyRef: keyRef,
        currentKeyUntil: until,
        updatedAt: now.toISOString(),
      });
    },
    auditAs: () => ({
      action: 'tape.pool.key',
      target: `tape-pool:${pool.id}`,
      details: { keyRef, until, ...(jobId && { jobId }) },
    }),
  });
  return keyRef;
}
