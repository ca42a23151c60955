import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import type { ManagedSecretRecord, SecretKind } from '../../domain/key-repositories.ts';
import type { Store } from '../../domain/repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { JobContext, JobHandler } from '../jobs/job-runner.ts';
import { hsmCall } from './hsm-errors.ts';
import { kekLabel, type KeyHsm } from './hsm-port.ts';
import { HSM_KIND, REWRAP_BATCH } from './managed-secrets.service.ts';

export const KEK_ROTATE_JOB = 'kek.rotate';

const ParamsSchema = z.object({ domainId: z.string() });
type Params = z.infer<typeof ParamsSchema>;

const CursorSchema = z.object({ to: z.number().int(), afterId: z.string(), version: z.number().int() });

/**
 * KEK rotation as a durable job (ARCHITECTURE.md §5):
 *  1. create KEK version n+1 in the HSM (an existing label from a crashed attempt is reused:
 *     nothing can be wrapped under it before step 2 commits) and make it the active version;
 *  2. re-wrap every secret still under an older version inside the HSM, one batch per HSM
 *     call and per transaction, each row updated only if it is still under the old version;
 *  3. mark versions that hold nothing any more `deactivated` (destruction needs approval).
 * A crash anywhere leaves each secret wrapped under a version whose KEK still exists, and the
 * job resumes from its cursor.
 */
export function kekRotationJob(d: {
  store: Store;
  hsm: KeyHsm;
  audit: AuditService;
  clock: Clock;
  events: DomainEvents;
}): JobHandler<Params> {
  async function activateNewVersion(ctx: JobContext<Params>): Promise<number> {
    const domain = await d.store.keyDomains.find(ctx.params.domainId);
    if (!domain) throw new AppError('KEY_DOMAIN_NOT_FOUND', `No key domain ${ctx.params.domainId}`);
    const from = domain.activeKekVersion;
    const to = from + 1;
    const label = kekLabel(domain.id, to);
    await hsmCall('KEK creation', async () => {
      if (!(await d.hsm.hasKey(label))) await d.hsm.createKek(label);
    });
    await d.store.transaction(async (tx) => {
      tx.afterCommit(() => d.events.emit('keys:changed', { domainId: ctx.params.domainId }));
      const now = d.clock.now().toISOString();
      await tx.keyDomains.insertKek({
        domainId: domain.id,
        version: to,
        hsmLabel: label,
        state: 'active',
        createdAt: now,
        deactivatedAt: null,
        destroyedAt: null,
      });
      await tx.keyDomains.updateKek(domain.id, from, { state: 'retiring' });
      await tx.keyDomains.update(domain.id, { activeKekVersion: to, lastRotatedAt: now, updatedAt: now });
      await d.audit.record(tx, {
        actor: ctx.job.createdBy,
        action: 'kek.rotate.start',
        target: `domain:${domain.id}`,
        outcome: 'success',
        requestId: null,
        details: { jobId: ctx.job.id, fromVersion: from, toVersion: to },
      });
    });
    return to;
  }

  /**
   * A crash after step 1 committed but before the cursor was saved: the active version was
   * created by this job's own run (after it first started), so it is the target already.
   */
  async function alreadyActivated(ctx: JobContext<Params>): Promise<number | undefined> {
    const domain = await d.store.keyDomains.find(ctx.params.domainId);
    if (!domain || ctx.job.startedAt === null) return undefined;
    const active = await d.store.keyDomains.findKek(domain.id, domain.activeKekVersion);
    return active && active.version > 1 && active.createdAt >= ctx.job.startedAt ? active.version : undefined;
  }

  async function rewrapBatch(
    ctx: JobContext<Params>,
    secrets: ManagedSecretRecord[],
    version: number,
    to: number,
  ) {
    const domainId = ctx.params.domainId;
    const fromKek = await d.store.keyDomains.findKek(domainId, version);
    if (!fromKek) throw new AppError('KEK_NOT_FOUND', `KEK v${version} of ${domainId} is missing`);
    const byKind = new Map<SecretKind, ManagedSecretRecord[]>();
    for (const s of secrets) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
    const updates: { id: string; wrapped: string }[] = [];
    for (const [kind, group] of byKind) {
      const rewrapped = await hsmCall('re-wrap', () =>
        d.hsm.rewrapSecrets({
          fromKekLabel: fromKek.hsmLabel,
          toKekLabel: kekLabel(domainId, to),
          wrapped: group.map((s) => Buffer.from(s.wrapped as string, 'base64')),
          kind: HSM_KIND[kind],
        }),
      );
      group.forEach((s, i) =>
        updates.push({ id: s.id, wrapped: (rewrapped[i] as Buffer).toString('base64') }),
      );
    }
    await d.store.transaction(async (tx) => {
      tx.afterCommit(() => d.events.emit('keys:changed', { domainId: ctx.params.domainId }));
      let changed = 0;
      for (const u of updates) if (await tx.secrets.rewrap(u.id, version, to, u.wrapped)) changed++;
      await d.audit.record(tx, {
        actor: ctx.job.createdBy,
        action: 'kek.rewrap.batch',
        target: `domain:${domainId}`,
        outcome: 'success',
        requestId: null,
        details: {
          jobId: ctx.job.id,
          fromVersion: version,
          toVersion: to,
          count: changed,
          firstId: secrets[0]?.id,
          lastId: secrets.at(-1)?.id,
        },
      });
    });
  }

  async function finish(ctx: JobContext<Params>, to: number) {
    const domainId = ctx.params.domainId;
    const keks = await d.store.keyDomains.listKeks(domainId);
    await d.store.transaction(async (tx) => {
      tx.afterCommit(() => d.events.emit('keys:changed', { domainId: ctx.params.domainId }));
      for (const kek of keks) {
        if (kek.version === to || kek.state !== 'retiring') continue;
        if ((await tx.secrets.countWrappedUnder(domainId, kek.version)) > 0) continue;
        await tx.keyDomains.updateKek(domainId, kek.version, {
          state: 'deactivated',
          deactivatedAt: d.clock.now().toISOString(),
        });
        await d.audit.record(tx, {
          actor: ctx.job.createdBy,
          action: 'kek.deactivate',
          target: `kek:${domainId}:v${kek.version}`,
          outcome: 'success',
          requestId: null,
          details: { jobId: ctx.job.id, reason: 'nothing is wrapped under it after rotation' },
        });
      }
    });
  }

  return {
    kind: KEK_ROTATE_JOB,
    paramsSchema: ParamsSchema,
    async run(ctx) {
      const domainId = ctx.params.domainId;
      let cursor = ctx.cursor ? CursorSchema.parse(ctx.cursor) : undefined;
      const to = cursor?.to ?? (await alreadyActivated(ctx)) ?? (await activateNewVersion(ctx));
      const olderVersions = async () =>
        (await d.store.keyDomains.listKeks(domainId))
          .filter((k) => k.version < to && k.state === 'retiring')
          .map((k) => k.version)
          .sort((a, b) => a - b);
      // On resume, what was re-wrapped before stays counted: progress never goes backwards.
      let done = cursor ? ctx.job.done : 0;
      let total = done;
      for (const v of await olderVersions()) total += await d.store.secrets.countWrappedUnder(domainId, v);
      await ctx.progress({ done, total, cursor: cursor ?? { to, afterId: '', version: 0 } });
      for (const version of await olderVersions()) {
        let afterId = cursor && cursor.version === version ? cursor.afterId : '';
        for (;;) {
          ctx.signal.throwIfAborted();
          const batch = await d.store.secrets.listWrappedUnder(domainId, version, afterId, REWRAP_BATCH);
          if (batch.length === 0) break;
          await rewrapBatch(ctx, batch, version, to);
          afterId = (batch.at(-1) as ManagedSecretRecord).id;
          done += batch.length;
          cursor = { to, afterId, version };
          await ctx.progress({ done, total: Math.max(total, done), cursor });
        }
      }
      await finish(ctx, to);
    },
  };
}
