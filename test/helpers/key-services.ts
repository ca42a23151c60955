import { DomainEvents } from '../../server/domain/events.ts';
import { systemClock } from '../../server/platform/clock.ts';
import { cryptoIds } from '../../server/platform/ids.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { ApprovalsService } from '../../server/services/approvals.service.ts';
import { AuditSealService } from '../../server/services/audit-seal.service.ts';
import { AuditService } from '../../server/services/audit.service.ts';
import type { Principal } from '../../server/services/auth/principal.ts';
import { JobRunner } from '../../server/services/jobs/job-runner.ts';
import type { KeyHsm, SealHsm } from '../../server/services/keys/hsm-port.ts';
import { kekRotationJob } from '../../server/services/keys/kek-rotation.job.ts';
import { KekService } from '../../server/services/keys/kek.service.ts';
import { KeyDomainsService } from '../../server/services/keys/key-domains.service.ts';
import { ManagedSecretsService } from '../../server/services/keys/managed-secrets.service.ts';
import type { TestStore } from './stores.ts';

/** The key services wired as in compose.ts, over any store and HSM port. */
export function keyServices(store: TestStore, hsm: KeyHsm & SealHsm, instanceId = 'test') {
  const clock = systemClock;
  const ids = cryptoIds;
  const logger = createLogger({ level: 'silent' });
  const events = new DomainEvents();
  const audit = new AuditService(store, clock, events);
  const jobs = new JobRunner({
    store,
    events,
    clock,
    ids,
    logger,
    instanceId,
    pollMs: 20,
    heartbeatMs: 50,
    staleAfterMs: 200,
    retryBaseMs: 20,
    reclaimAllOnStart: true,
  });
  jobs.register(kekRotationJob({ store, hsm, audit, clock, events }));
  const approvals = new ApprovalsService({ store, audit, clock, ids, events });
  const domains = new KeyDomainsService({ store, hsm, audit, clock, events });
  const secrets = new ManagedSecretsService({ store, hsm, audit, clock, ids, events });
  const keks = new KekService({
    store,
    hsm,
    audit,
    clock,
    jobs,
    approvals,
    domains,
    secrets,
    logger,
    events,
  });
  const seals = new AuditSealService({ store, hsm, clock });
  return { events, audit, jobs, approvals, domains, secrets, keks, seals };
}

export function principal(username: string, role: Principal['user']['role']): Principal {
  return {
    via: 'session',
    user: {
      id: `id-${username}`,
      username,
      role,
      passwordHash: '',
      mustChangePassword: false,
      disabled: false,
      createdAt: '',
      updatedAt: '',
    },
  };
}

export const META = { requestId: 'req-test', address: '127.0.0.1', userAgent: null };

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
