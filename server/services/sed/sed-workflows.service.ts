import { AppError } from '../../domain/errors.ts';
import type { JobRecord, Store } from '../../domain/repositories.ts';
import type { AuditService } from '../audit.service.ts';
import type { RequestMeta, Principal } from '../auth/principal.ts';
import { enqueueAudited } from '../jobs/enqueue-audited.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import { SED_ENROLL_JOB } from './sed-enrollment.job.ts';
import type { SedInventoryService } from './sed-inventory.service.ts';
import { SED_ROTATE_JOB } from './sed-rotation.job.ts';
import { SED_UNLOCK_ALL_JOB } from './sed-unlock-all.job.ts';

/** Starts the durable SED jobs, refusing work that cannot apply to the drive's state. */
export class SedWorkflowsService {
  constructor(
    private readonly d: {
      store: Store;
      jobs: JobRunner;
      audit: AuditService;
      inventory: SedInventoryService;
    },
  ) {}

  private async inFlight(kind: string, key: string, value: string): Promise<JobRecord | undefined> {
    const jobs = await this.d.store.jobs.list({ limit: 200, kind, states: ['queued', 'running'] });
    return jobs.find((j) => j.params[key] === value);
  }

  private enqueue(
    actor: Principal,
    meta: RequestMeta,
    kind: string,
    params: Record<string, unknown>,
    target: string,
    action: string,
  ) {
    return enqueueAudited(
      this.d,
      { kind, params, actor: actor.user.username },
      { action, target, requestId: meta.requestId, details: params },
    );
  }

  async enroll(actor: Principal, driveId: string, meta: RequestMeta): Promise<JobRecord> {
    const drive = await this.d.inventory.require(driveId);
    if (drive.state === 'enrolled' || drive.state === 'rotating')
      throw new AppError('SED_ALREADY_OWNED', `${drive.serial} is already enrolled`);
    if (drive.state === 'unsupported')
      throw new AppError(
        'SED_NOT_SUPPORTED',
        `${drive.model} ${drive.serial} is not an Opal SED this console can manage (${drive.ssc})`,
      );
    if (drive.state === 'missing')
      throw new AppError('SED_UNREACHABLE', `${drive.serial} was not seen by the last discovery`);
    const running = await this.inFlight(SED_ENROLL_JOB, 'driveId', driveId);
    if (running) return running;
    return this.enqueue(
      actor,
      meta,
      SED_ENROLL_JOB,
      { driveId },
      `sed:${drive.serial}`,
      'sed.enroll.request',
    );
  }

  async rotate(actor: Principal, driveId: string, meta: RequestMeta): Promise<JobRecord> {
    const drive = await this.d.inventory.require(driveId);
    if (drive.state !== 'enrolled' && drive.state !== 'rotating')
      throw new AppError('SED_NOT_ENROLLED', `${drive.serial} is not enrolled`);
    const running = await this.inFlight(SED_ROTATE_JOB, 'driveId', driveId);
    if (running) return running;
    return this.enqueue(
      actor,
      meta,
      SED_ROTATE_JOB,
      { driveId },
      `sed:${drive.serial}`,
      'sed.rotate.request',
    );
  }

  async unlockAll(actor: Principal, host: string | undefined, meta: RequestMeta): Promise<JobRecord> {
    const params = host === undefined ? {} : { host };
    return this.enqueue(
      actor,
      meta,
      SED_UNLOCK_ALL_JOB,
      params,
      host ? `host:${host}` : 'fleet',
      'sed.unlock-all.request',
    );
  }
}
