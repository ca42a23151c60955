import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ApprovalsService } from '../approvals.service.ts';
import type { AuditService } from '../audit.service.ts';
import type { Principal, RequestMeta } from '../auth/principal.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import { hsmCall } from './hsm-errors.ts';
import type { KeyHsm } from './hsm-port.ts';
import { KEK_ROTATE_JOB } from './kek-rotation.job.ts';
import type { KeyDomainsService } from './key-domains.service.ts';
import type { ManagedSecretsService } from './managed-secrets.service.ts';

export interface KekServiceDeps {
  store: Store;
  hsm: KeyHsm;
  audit: AuditService;
  clock: Clock;
  jobs: JobRunner;
  approvals: ApprovalsService;
  domains: KeyDomainsService;
  secrets: ManagedSecretsService;
  logger: Logger;
  events: DomainEvents;
}

/** KEK rotation (now and scheduled) and the approval-gated destruction of KEKs and secrets. */
export class KekService {
  constructor(private readonly d: KekServiceDeps) {
    d.approvals.registerExecutor('kek.destroy', (a, ctx) =>
      this.destroyKek(String(a.params.domainId), Number(a.params.version), { ...ctx, approvalId: a.id }),
    );
    d.approvals.registerExecutor('domain.delete', (a, ctx) =>
      this.deleteDomain(String(a.params.domainId), { ...ctx, approvalId: a.id }),
    );
    d.approvals.registerExecutor('secret.destroy', (a, ctx) =>
      d.secrets.destroy(String(a.params.secretId), { ...ctx, approvalId: a.id }),
    );
  }

  private async rotationInFlight(domainId: string): Promise<boolean> {
    const jobs = await this.d.store.jobs.list({
      limit: 50,
      kind: KEK_ROTATE_JOB,
      states: ['queued', 'running'],
    });
    return jobs.some((j) => j.params.domainId === domainId);
  }

  async rotateNow(actor: Principal, domainId: string, meta: RequestMeta) {
    await this.d.domains.require(domainId);
    if (await this.rotationInFlight(domainId)) {
      throw new AppError('KEK_ROTATION_RUNNING', `A rotation of ${domainId} is already queued or running`);
    }
    return this.d.store.transaction(async (tx) => {
      const job = await this.d.jobs.enqueue(tx, {
        kind: KEK_ROTATE_JOB,
        params: { domainId },
        actor: actor.user.username,
      });
      await this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'kek.rotate.request',
        target: `domain:${domainId}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { jobId: job.id, trigger: 'manual' },
      });
      return job;
    });
  }

  /**
   * Queues the rotations that are due. The job id names the domain and due date, so that
   * several console instances sharing a database queue each rotation once.
   */
  async scheduleDueRotations(): Promise<number> {
    const now = this.d.clock.now().toISOString();
    let queued = 0;
    for (const domain of await this.d.store.keyDomains.list()) {
      const due = this.d.domains.nextRotationAt(domain);
      if (due === null || due > now || (await this.rotationInFlight(domain.id))) continue;
      const id = `sched-rotate-${domain.id}-${due.slice(0, 10)}`.slice(0, 64);
      if (await this.d.store.jobs.find(id)) continue;
      try {
        await this.d.store.transaction(async (tx) => {
          await this.d.jobs.enqueue(tx, {
            id,
            kind: KEK_ROTATE_JOB,
            params: { domainId: domain.id },
            actor: 'scheduler',
          });
          await this.d.audit.record(tx, {
            actor: 'scheduler',
            action: 'kek.rotate.request',
            target: `domain:${domain.id}`,
            outcome: 'success',
            requestId: null,
            details: { jobId: id, trigger: 'schedule', dueAt: due },
          });
        });
        queued++;
      } catch (err) {
        // Another instance queued it first (duplicate id): exactly what we want.
        this.d.logger.debug({ err, domain: domain.id }, 'scheduled rotation not queued');
      }
    }
    return queued;
  }

  async requestKekDestruction(
    actor: Principal,
    domainId: string,
    version: number,
    reason: string,
    meta: RequestMeta,
  ) {
    await this.destructibleKek(domainId, version);
    return this.d.approvals.request(
      actor,
      { action: 'kek.destroy', target: `kek:${domainId}:v${version}`, params: { domainId, version }, reason },
      meta,
    );
  }

  async requestSecretDestruction(actor: Principal, secretId: string, reason: string, meta: RequestMeta) {
    const secret = await this.d.secrets.get(secretId);
    if (secret.state !== 'deactivated' && secret.state !== 'compromised' && secret.state !== 'pre-active') {
      throw new AppError(
        'KEY_STATE_INVALID',
        `A ${secret.state} secret must be deactivated before it is destroyed`,
      );
    }
    return this.d.approvals.request(
      actor,
      { action: 'secret.destroy', target: `secret:${secretId}`, params: { secretId }, reason },
      meta,
    );
  }

  /** Deleting a domain destroys its KEKs, so it needs approval, and the domain must hold no secrets at all. */
  async requestDomainDeletion(actor: Principal, domainId: string, reason: string, meta: RequestMeta) {
    await this.emptyDomain(domainId);
    return this.d.approvals.request(
      actor,
      { action: 'domain.delete', target: `domain:${domainId}`, params: { domainId }, reason },
      meta,
    );
  }

  private async emptyDomain(domainId: string) {
    await this.d.domains.require(domainId);
    const counts = await this.d.store.secrets.counts(domainId);
    const total = Object.values(counts.byState).reduce((a, b) => a + (b ?? 0), 0);
    if (total > 0)
      throw new AppError('KEY_DOMAIN_NOT_EMPTY', `Domain ${domainId} holds ${total} secrets (any state)`);
    if (await this.rotationInFlight(domainId)) {
      throw new AppError('KEK_ROTATION_RUNNING', `A rotation of ${domainId} is queued or running`);
    }
  }

  private async deleteDomain(
    domainId: string,
    ctx: { actor: string; requestId: string | null; approvalId: string },
  ) {
    await this.emptyDomain(domainId);
    const keks = await this.d.store.keyDomains.listKeks(domainId);
    for (const kek of keks) {
      if (kek.state === 'destroyed') continue;
      await hsmCall('KEK destruction', async () => {
        if (await this.d.hsm.hasKey(kek.hsmLabel)) await this.d.hsm.destroyKey(kek.hsmLabel);
      });
    }
    await this.d.store.transaction(async (tx) => {
      tx.afterCommit(() => this.d.events.emit('keys:changed', { domainId }));
      await tx.keyDomains.delete(domainId);
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'domain.delete',
        target: `domain:${domainId}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: { approvalId: ctx.approvalId, destroyedKeks: keks.map((k) => k.version) },
      });
    });
  }

  private async destructibleKek(domainId: string, version: number) {
    const kek = await this.d.store.keyDomains.findKek(domainId, version);
    if (!kek) throw new AppError('KEK_NOT_FOUND', `No KEK v${version} in ${domainId}`);
    if (kek.state !== 'deactivated') {
      throw new AppError(
        'KEK_IN_USE',
        `KEK v${version} is ${kek.state}; only a deactivated KEK can be destroyed`,
      );
    }
    if ((await this.d.store.secrets.countWrappedUnder(domainId, version)) > 0) {
      throw new AppError('KEK_IN_USE', `Secrets are still wrapped under KEK v${version}`);
    }
    return kek;
  }

  /** Runs on approval: re-checks that nothing depends on the KEK, then destroys it in the HSM. */
  private async destroyKek(
    domainId: string,
    version: number,
    ctx: { actor: string; requestId: string | null; approvalId: string },
  ) {
    const kek = await this.destructibleKek(domainId, version);
    await hsmCall('KEK destruction', async () => {
      if (await this.d.hsm.hasKey(kek.hsmLabel)) await this.d.hsm.destroyKey(kek.hsmLabel);
    });
    await this.d.store.transaction(async (tx) => {
      tx.afterCommit(() => this.d.events.emit('keys:changed', { domainId }));
      await tx.keyDomains.updateKek(domainId, version, {
        state: 'destroyed',
        destroyedAt: this.d.clock.now().toISOString(),
      });
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'kek.destroy',
        target: `kek:${domainId}:v${version}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: { approvalId: ctx.approvalId },
      });
    });
  }
}
