import type { Approval } from '../../shared/schemas/approvals.ts';
import type { Role } from '../../shared/schemas/auth.ts';
import { AppError } from '../domain/errors.ts';
import type { ApprovalRecord } from '../domain/key-repositories.ts';
import type { Store } from '../domain/repositories.ts';
import type { DomainEvents } from '../domain/events.ts';
import type { Clock } from '../platform/clock.ts';
import type { IdGen } from '../platform/ids.ts';
import type { AuditService } from './audit.service.ts';
import type { Principal, RequestMeta } from './auth/principal.ts';

/** Carries out an approved action. It must re-check its preconditions: time has passed. */
export type ApprovalExecutor = (
  approval: ApprovalRecord,
  ctx: { actor: string; requestId: string | null },
) => Promise<void>;

/** Roles that may approve destructive work. */
export const APPROVER_ROLES: readonly Role[] = ['security-officer', 'admin'];

const DEFAULT_EXPIRY_HOURS = 24;

/**
 * Dual control (invariant 3): a destructive action is requested by one person and runs only
 * when a second authorised person approves it. An approval is bound to the exact action and
 * target it was given for, expires, and every step is audited.
 */
export class ApprovalsService {
  private readonly executors = new Map<string, ApprovalExecutor>();

  constructor(
    private readonly d: {
      store: Store;
      audit: AuditService;
      clock: Clock;
      ids: IdGen;
      events: DomainEvents;
      expiryHours?: number;
    },
  ) {}

  registerExecutor(action: string, executor: ApprovalExecutor): void {
    this.executors.set(action, executor);
  }

  async request(
    actor: Principal,
    req: { action: string; target: string; params: Record<string, unknown>; reason: string },
    meta: RequestMeta,
  ): Promise<Approval> {
    if (!this.executors.has(req.action)) throw new Error(`no executor for ${req.action}`);
    const now = this.d.clock.now();
    const record: ApprovalRecord = {
      id: this.d.ids.uuid(),
      ...req,
      state: 'pending',
      requestedBy: actor.user.username,
      requestedAt: now.toISOString(),
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      expiresAt: new Date(
        now.getTime() + (this.d.expiryHours ?? DEFAULT_EXPIRY_HOURS) * 3_600_000,
      ).toISOString(),
      executedAt: null,
      consumedAt: null,
    };
    await this.d.store.transaction(async (tx) => {
      tx.afterCommit(() =>
        this.d.events.emit('approval:changed', { id: record.id, state: 'pending', action: record.action }),
      );
      await tx.approvals.insert(record);
      await this.d.audit.record(tx, {
        actor: record.requestedBy,
        action: 'approval.request',
        target: record.target,
        outcome: 'success',
        requestId: meta.requestId,
        details: { approvalId: record.id, action: record.action, reason: record.reason },
      });
    });
    return record;
  }

  async list(states?: ApprovalRecord['state'][]): Promise<Approval[]> {
    return this.d.store.approvals.list({ limit: 200, ...(states && { states }) });
  }

  async approve(actor: Principal, id: string, note: string, meta: RequestMeta): Promise<Approval> {
    const approval = await this.pending(id);
    if (approval.requestedBy === actor.user.username) {
      throw new AppError('APPROVAL_SELF', 'A second person must approve this; you requested it');
    }
    if (!APPROVER_ROLES.includes(actor.user.role)) {
      throw new AppError('AUTH_FORBIDDEN', `Approvals need one of the roles: ${APPROVER_ROLES.join(', ')}`);
    }
    const now = this.d.clock.now().toISOString();
    await this.decide(approval, 'approved', actor.user.username, note, meta);
    const executor = this.executors.get(approval.action) as ApprovalExecutor;
    try {
      await executor(
        { ...approval, state: 'approved' },
        { actor: actor.user.username, requestId: meta.requestId },
      );
    } catch (err) {
      await this.d.store.transaction((tx) =>
        this.d.audit.record(tx, {
          actor: actor.user.username,
          action: `${approval.action}.failed`,
          target: approval.target,
          outcome: 'failure',
          requestId: meta.requestId,
          details: { approvalId: id, error: err instanceof AppError ? err.code : 'INTERNAL_ERROR' },
        }),
      );
      throw err;
    }
    await this.d.store.approvals.transition(id, 'approved', { state: 'executed', executedAt: now });
    this.d.events.emit('approval:changed', { id, state: 'executed', action: approval.action });
    return (await this.d.store.approvals.find(id)) as Approval;
  }

  async deny(actor: Principal, id: string, note: string, meta: RequestMeta): Promise<Approval> {
    const approval = await this.pending(id);
    if (!APPROVER_ROLES.includes(actor.user.role) && approval.requestedBy !== actor.user.username) {
      throw new AppError('AUTH_FORBIDDEN', `Denials need one of the roles: ${APPROVER_ROLES.join(', ')}`);
    }
    const state = approval.requestedBy === actor.user.username ? 'cancelled' : 'denied';
    await this.decide(approval, state, actor.user.username, note, meta);
    return (await this.d.store.approvals.find(id)) as Approval;
  }

  private async pending(id: string): Promise<ApprovalRecord> {
    const approval = await this.d.store.approvals.find(id);
    if (!approval) throw new AppError('APPROVAL_NOT_FOUND', 'No such approval request');
    if (approval.state !== 'pending')
      throw new AppError('APPROVAL_NOT_PENDING', `The request is already ${approval.state}`);
    if (approval.expiresAt <= this.d.clock.now().toISOString()) {
      await this.decide(approval, 'expired', 'system', 'approval window passed', { requestId: null });
      throw new AppError('APPROVAL_EXPIRED', 'The approval window has passed; request again');
    }
    return approval;
  }

  private async decide(
    approval: ApprovalRecord,
    state: 'approved' | 'denied' | 'expired' | 'cancelled',
    by: string,
    note: string,
    meta: { requestId: string | null },
  ): Promise<void> {
    await this.d.store.transaction(async (tx) => {
      const now = this.d.clock.now().toISOString();
      if (
        !(await tx.approvals.transition(approval.id, 'pending', {
          state,
          decidedBy: by,
          decidedAt: now,
          decisionNote: note,
        }))
      ) {
        throw new AppError('APPROVAL_NOT_PENDING', 'The request was decided by someone else just now');
      }
      tx.afterCommit(() =>
        this.d.events.emit('approval:changed', { id: approval.id, state, action: approval.action }),
      );
      await this.d.audit.record(tx, {
        actor: by,
        action: `approval.${state === 'approved' ? 'approve' : state === 'denied' ? 'deny' : state === 'expired' ? 'expire' : 'cancel'}`,
        target: approval.target,
        outcome: 'success',
        requestId: meta.requestId,
        details: {
          approvalId: approval.id,
          action: approval.action,
          requestedBy: approval.requestedBy,
          note,
        },
      });
    });
  }
}
