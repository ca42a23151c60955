import type { CreateEraseRequest, EraseItem, EraseRequest } from '../../../shared/schemas/erase.ts';
import { AppError } from '../../domain/errors.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { EraseItemRecord, EraseRequestRecord } from '../../domain/erase-repositories.ts';
import type { ApprovalRecord } from '../../domain/key-repositories.ts';
import type { Store } from '../../domain/repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdGen } from '../../platform/ids.ts';
import type { AuditService } from '../audit.service.ts';
import type { Principal, RequestMeta } from '../auth/principal.ts';
import type { ApprovalsService } from '../approvals.service.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import type { SedDriveState } from '../../domain/sed-repositories.ts';
import { expandRange } from '../tape/cartridge-barcodes.ts';
import { bindingOf } from './erase-binding.ts';
import { ERASE_JOB } from './erase.job.ts';
import { checkSchedule, runAtFor } from './erase-schedule.ts';

export const ERASE_APPROVAL_ACTION = 'erase.schedule';
const PSID_METHOD = 'sed-psid-revert';
/** A PSID revert is for drives whose credentials are lost: any drive still seen qualifies. */
const PSID_REVERTIBLE: SedDriveState[] = ['discovered', 'enrolled', 'enroll-failed', 'enrolling', 'rotating'];

interface Deps {
  store: Store;
  approvals: ApprovalsService;
  jobs: JobRunner;
  audit: AuditService;
  clock: Clock;
  ids: IdGen;
  events: DomainEvents;
}

/**
 * Retirement requests: resolve the targets to items bound by serial or barcode, ask a second
 * person (dual control through ApprovalsService), and on approval queue the erase job for the
 * scheduled time. Denial, expiry and cancellation end the request; all of it is audited.
 */
export class EraseRequestsService {
  constructor(private readonly d: Deps) {
    d.approvals.registerExecutor(ERASE_APPROVAL_ACTION, (approval, ctx) => this.schedule(approval, ctx));
    // Every change of an erase approval (a vote, approval, denial, expiry) is pushed as an erase
    // change too: requesters follow it on the Erase schedule without joining the approvals room.
    d.events.on('approval:changed', ({ id, state, action }) => {
      if (action !== ERASE_APPROVAL_ACTION) return;
      const closing = ['denied', 'cancelled', 'expired'].includes(state)
        ? this.closeUnapproved(id, state === 'denied' ? 'denied' : 'cancelled')
        : Promise.resolve();
      void closing
        .then(() => this.d.store.erase.findByApproval(id))
        .then((r) => r && this.d.events.emit('erase:changed', { id: r.id }))
        .catch(() => undefined);
    });
  }

  async create(actor: Principal, req: CreateEraseRequest, meta: RequestMeta): Promise<EraseRequest> {
    const now = this.d.clock.now();
    checkSchedule(req.schedule, now);
    const items = await this.resolve(req);
    const id = this.d.ids.uuid();
    const range = req.range ?? null;
    const identities = items.map((i) => i.identity);
    const approval = await this.d.approvals.request(
      actor,
      {
        action: ERASE_APPROVAL_ACTION,
        target: `erase:${id}`,
        params: {
          eraseRequestId: id,
          method: req.method,
          range,
          itemCount: items.length,
          binding: bindingOf(req.method, range, identities),
          identities: identities.slice(0, 50),
          schedule: req.schedule,
        },
        reason: req.reason,
      },
      meta,
    );
    const at = now.toISOString();
    const record: EraseRequestRecord = {
      id,
      method: req.method,
      range,
      reason: req.reason,
      schedule: req.schedule,
      state: 'pending-approval',
      requestedBy: actor.user.username,
      approvalId: approval.id,
      approvedBy: null,
      runAt: null,
      jobId: null,
      itemCount: items.length,
      createdAt: at,
      updatedAt: at,
    };
    await this.d.store.transaction(async (tx) => {
      await tx.erase.insertRequest(
        record,
        items.map((item, seq) => ({
          id: this.d.ids.uuid(),
          requestId: id,
          seq,
          ...item,
          state: 'pending' as const,
          result: null,
          certificateId: null,
          updatedAt: at,
        })),
      );
      await this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'erase.request',
        target: `erase:${id}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: {
          method: req.method,
          range,
          items: items.length,
          approvalId: approval.id,
          schedule: req.schedule,
        },
      });
    });
    return toDto(record);
  }

  async list(states?: EraseRequestRecord['state'][]): Promise<EraseRequest[]> {
    return (await this.d.store.erase.listRequests({ limit: 500, states })).map(toDto);
  }

  async get(id: string) {
    const r = await this.require(id);
    const items = await this.d.store.erase.items(id);
    return { ...toDto(r), items: items.map(toItemDto) };
  }

  /** Before it starts: the requester or an approver calls it off (a running job stops between items). */
  async cancel(actor: Principal, id: string, meta: RequestMeta): Promise<EraseRequest> {
    const r = await this.require(id);
    const mayCancel =
      r.requestedBy === actor.user.username || ['admin', 'security-officer'].includes(actor.user.role);
    if (!mayCancel)
      throw new AppError('AUTH_FORBIDDEN', 'Only the requester or a security officer may cancel');
    if (r.state === 'pending-approval') {
      await this.d.approvals.deny(actor, r.approvalId, 'erase request cancelled', meta);
    } else if (r.state === 'scheduled' || r.state === 'running') {
      if (r.jobId) await this.d.jobs.cancel(r.jobId);
    } else {
      throw new AppError('APPROVAL_NOT_PENDING', `The request is ${r.state}; nothing to cancel`);
    }
    const now = this.d.clock.now().toISOString();
    await this.d.store.transaction(async (tx) => {
      await tx.erase.updateRequest(id, { state: 'cancelled', updatedAt: now });
      await this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'erase.cancel',
        target: `erase:${id}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { previousState: r.state },
      });
    });
    return toDto(await this.require(id));
  }

  /** The approval executor: binds the approval to the request once more and queues the job. */
  private async schedule(approval: ApprovalRecord, ctx: { actor: string; requestId: string | null }) {
    const id = String(approval.params.eraseRequestId);
    const r = await this.require(id);
    if (r.state !== 'pending-approval')
      throw new AppError('APPROVAL_NOT_PENDING', `Erase request ${id} is ${r.state}`);
    const items = await this.d.store.erase.items(id);
    if (
      approval.params.binding !==
      bindingOf(
        r.method,
        r.range,
        items.map((i) => i.identity),
      )
    )
      throw new AppError('APPROVAL_NOT_PENDING', 'The approval does not match the request it names');
    const now = this.d.clock.now();
    const runAt = runAtFor(r.schedule, now).toISOString();
    const approvers = (await this.d.store.approvals.votes([approval.id])).map((v) => v.approver);
    await this.d.store.transaction(async (tx) => {
      // A PSID revert waits for an operator with the drive's label (the PSID is never stored);
      // every other method runs unattended as a job at its time.
      const job =
        r.method === PSID_METHOD
          ? null
          : await this.d.jobs.enqueue(tx, {
              kind: ERASE_JOB,
              params: { eraseRequestId: id, approvalId: approval.id },
              actor: r.requestedBy,
              runAfter: runAt,
              total: items.length,
            });
      await tx.erase.updateRequest(id, {
        state: 'scheduled',
        approvedBy: (approvers.length > 0 ? approvers : [ctx.actor]).join(', '),
        runAt,
        jobId: job?.id ?? null,
        updatedAt: now.toISOString(),
      });
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'erase.schedule',
        target: `erase:${id}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: { approvalId: approval.id, runAt, jobId: job?.id ?? null, items: items.length, approvers },
      });
    });
  }

  private async closeUnapproved(approvalId: string, state: 'denied' | 'cancelled') {
    const r = await this.d.store.erase.findByApproval(approvalId);
    if (!r || r.state !== 'pending-approval') return;
    await this.d.store.erase.updateRequest(r.id, { state, updatedAt: this.d.clock.now().toISOString() });
  }

  private async require(id: string): Promise<EraseRequestRecord> {
    const r = await this.d.store.erase.findRequest(id);
    if (!r) throw new AppError('DEVICE_NOT_FOUND', `No erase request ${id}`);
    return r;
  }

  /** Targets → items bound by identity. Everything must exist and be under management now. */
  private async resolve(
    req: CreateEraseRequest,
  ): Promise<Pick<EraseItemRecord, 'itemRef' | 'identity' | 'description'>[]> {
    const t = req.targets;
    if (t.kind === 'sed-drives' || t.kind === 'sed-host') {
      const states: SedDriveState[] = req.method === PSID_METHOD ? PSID_REVERTIBLE : ['enrolled'];
      const drives =
        t.kind === 'sed-host'
          ? await this.d.store.sedDrives.listAll({ host: t.host, states })
          : await Promise.all(t.serials.map((s) => this.d.store.sedDrives.findBySerial(s)));
      const bad =
        t.kind === 'sed-drives'
          ? t.serials.filter((s, i) => !states.includes(drives[i]?.state ?? 'missing'))
          : [];
      if (bad.length > 0)
        refuse(
          bad,
          req.method === PSID_METHOD
            ? 'not a known Opal drive that the last discovery saw'
            : 'not an enrolled drive (its credentials are not escrowed; a PSID revert needs none)',
        );
      if (drives.length === 0) throw new AppError('VALIDATION_FAILED', 'No drive of that host qualifies');
      refuseDuplicates(drives.map((d) => d?.serial ?? ''));
      return drives.map((d) => ({
        itemRef: `sed:${d?.serial ?? ''}`,
        identity: d?.serial ?? '',
        description: `${d?.model ?? ''} ${d?.serial ?? ''} (${d?.host ?? ''}:${d?.devicePath ?? ''})`,
      }));
    }
    let barcodes: string[];
    if (t.kind === 'cartridges') barcodes = t.barcodes;
    else if (t.kind === 'cartridge-range') barcodes = expandRange(t.from, t.to);
    else {
      const page = await this.d.store.tape.listCartridges({ poolId: t.poolId, limit: 100_000, offset: 0 });
      barcodes = page.items.filter((c) => c.state !== 'retired').map((c) => c.barcode);
      if (barcodes.length === 0) throw new AppError('VALIDATION_FAILED', 'The pool has no live cartridges');
    }
    refuseDuplicates(barcodes);
    const known = await this.d.store.tape.existingBarcodes(barcodes);
    const missing = barcodes.filter((b) => !known.has(b));
    if (missing.length > 0) refuse(missing, 'not an enrolled cartridge');
    return barcodes.map((b) => ({
      itemRef: `cartridge:${b}`,
      identity: b,
      description: `LTO cartridge ${b}`,
    }));
  }
}

function refuse(ids: string[], why: string): never {
  throw new AppError('VALIDATION_FAILED', `${ids.length} target(s) cannot be erased: ${why}`, {
    details: ids.slice(0, 20).map((id) => ({ path: id, message: why })),
  });
}

function refuseDuplicates(ids: string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new AppError('VALIDATION_FAILED', `${id} is named twice`);
    seen.add(id);
  }
}

export function toDto(r: EraseRequestRecord): EraseRequest {
  return {
    id: r.id,
    method: r.method,
    range: r.range,
    reason: r.reason,
    schedule: r.schedule,
    state: r.state,
    requestedBy: r.requestedBy,
    approvalId: r.approvalId,
    approvedBy: r.approvedBy,
    runAt: r.runAt,
    jobId: r.jobId,
    itemCount: r.itemCount,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function toItemDto(i: EraseItemRecord): EraseItem {
  return {
    id: i.id,
    itemRef: i.itemRef,
    identity: i.identity,
    description: i.description,
    state: i.state,
    result: i.result,
    certificateId: i.certificateId,
    updatedAt: i.updatedAt,
  };
}
