import type { JobRecord, Store } from '../../domain/repositories.ts';
import type { AuditService } from '../audit.service.ts';
import type { JobRunner } from './job-runner.ts';

/**
 * Queues a job and records who asked for it, in one transaction: a request is either queued
 * and audited, or neither. The audit details carry the job id first.
 */
export function enqueueAudited(
  d: { store: Store; jobs: JobRunner; audit: AuditService },
  job: { kind: string; params: Record<string, unknown>; actor: string; total?: number },
  audit: { action: string; target: string; requestId: string | null; details: Record<string, unknown> },
): Promise<JobRecord> {
  return d.store.transaction(async (tx) => {
    const queued = await d.jobs.enqueue(tx, job);
    await d.audit.record(tx, {
      actor: job.actor,
      action: audit.action,
      target: audit.target,
      outcome: 'success',
      requestId: audit.requestId,
      details: { jobId: queued.id, ...audit.details },
    });
    return queued;
  });
}
