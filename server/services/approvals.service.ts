import type { Approval } from '../../shared/schemas/approvals.ts';
import { AppError } from '../domain/errors.ts';
import type { ApprovalRecord, ApprovalVote } from '../domain/key-repositories.ts';
import type { Store, TxContext } from '../domain/repositories.ts';
import type { DomainEvents } from '../domain/events.ts';
import type { Clock } from '../platform/clock.ts';
import type { IdGen } from '../platform/ids.ts';
import { APPROVER_ROLES, type ApprovalPolicyService } from './approval-policy.service.ts';
import type { AuditService } from './audit.service.ts';
import type { Principal, RequestMeta } from './auth/principal.ts';

export { APPROVER_ROLES } from './approval-policy.service.ts';

/** Carries out an approved action. It must re-check its preconditions: time has passed. */
export type ApprovalExecutor = (
  approval: ApprovalRecord,
  ctx: { actor: string; requestId: string | null },
) => Promise<void>;

/**
 * Dual control (invariant 3): a destructive action is requested by one person and runs only
 * when the number of other authorised people its policy asks for approve it. An approval is
 * bound to the exact action and target it was given for, expires, and every step (request,
 * each vote, approval, denial, expiry) is audited.
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
      policy: ApprovalPolicyService;
    },
  ) {}

  registerExecutor(action: string, executor: ApprovalExecutor): void {
    this.executors.set(action, executor);
  }

  /** The approval-gated actions that exist. */
  actions(): string[] {
    return [...this.executors.keys()];
  }

  async request(
    actor: Principal,
    req: { action: string; target: string; params: Record<string, unknown>; reason: string },
    meta: RequestMeta,
  ): Promise<Approval> {
    if (!this.executors.has(req.action)) throw new Error(`no executor for ${req.action}`);
    const policy = await this.d.policy.forAction(req.action);
    const others = (await this.d.policy.eligibleApprovers()).filter((u) => u !== actor.user.username);
    if (others.length < policy.approvers)
      throw new AppError(
        'APPROVAL_POLICY_UNSATISFIABLE',
        `The approval policy for ${req.action} needs ${policy.approvers} approver(s) besides you, ` +
          `and only ${others.length} user(s) may approve; ask an admin to add approvers`,
      );
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
      expiresAt: new Date(now.getTime() + policy.expiryHours * 3_600_000).toISOString(),
      executedAt: null,
      consumedAt: null,
      requiredApprovers: policy.approvers,
      validHours: policy.expiryHours,
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
        details: {
          approvalId: record.id,
          action: record.action,
          reason: record.reason,
          requiredApprovers: record.requiredApprovers,
          validHours: record.validHours,
        },
      });
    });
    return { ...record, votes: [] };
  }

  async list(states?: ApprovalRecord['state'][]): Promise<Approval[]> {
    const records = await this.d.store.approvals.list({ limit: 200, ...(states && { states }) });
    const votes = await this.d.store.approvals.votes(records.map((r) => r.id));
    return records.map((r) => withVotes(r, votes));
  }

  async get(id: string): Promise<Approval> {
    const record = await this.d.store.approvals.find(id);
    if (!record) throw new AppError('APPROVAL_NOT_FOUND', 'No such approval request');
    return withVotes(record, await this.d.store.approvals.votes([id]));
  }

  /**
   * One approver's yes. The request stays pending until it has as many distinct approvers as
   * its policy asks for; the vote that completes it approves it and runs the action.
   */
  async approve(actor: Principal, id: string, note: string, meta: RequestMeta): Promise<Approval> {
    const approval = await this.pending(id);
    const me = actor.user.username;
    if (approval.requestedBy === me) {
      throw new AppError('APPROVAL_SELF', 'A second person must approve this; you requested it');
    }
    if (!APPROVER_ROLES.includes(actor.user.role)) {
      throw new AppError('AUTH_FORBIDDEN', `Approvals need one of the roles: ${APPROVER_ROLES.join(', ')}`);
    }
    const given = await this.d.store.approvals.votes([id]);
    if (given.some((v) => v.approver === me)) {
      throw new AppError(
        'APPROVAL_ALREADY_GIVEN',
        `You approved this already; it needs ${approval.requiredApprovers - given.length} more approver(s)`,
      );
    }
    const now = this.d.clock.now().toISOString();
    const complete = await this.d.store.transaction(async (tx) => {
      const votes = await tx.approvals.vote({ approvalId: id, approver: me, votedAt: now, note });
      if (votes === undefined)
        throw new AppError('APPROVAL_NOT_PENDING', 'The request was decided by someone else just now');
      if (votes < approval.requiredApprovers) {
        tx.afterCommit(() =>
          this.d.events.emit('approval:changed', { id, state: 'pending', action: approval.action }),
        );
        await this.d.audit.record(tx, {
          actor: me,
          action: 'approval.vote',
          target: approval.target,
          outcome: 'success',
          requestId: meta.requestId,
          details: {
            approvalId: id,
            action: approval.action,
            votes,
            requiredApprovers: approval.requiredApprovers,
            note,
          },
        });
        return false;
      }
      await this.decideIn(tx, approval, 'approved', me, note, meta);
      return true;
    });
    if (!complete) return this.get(id);
    const executor = this.executors.get(approval.action) as ApprovalExecutor;
    try {
      await executor(
        { ...approval, state: 'approved', decidedBy: me },
        { actor: me, requestId: meta.requestId },
      );
    } catch (err) {
      await this.d.store.transaction((tx) =>
        this.d.audit.record(tx, {
          actor: me,
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
    return this.get(id);
  }

  /** An approver's no ends the request at once; the requester withdrawing it cancels it. */
  async deny(actor: Principal, id: string, note: string, meta: RequestMeta): Promise<Approval> {
    const approval = await this.pending(id);
    if (!APPROVER_ROLES.includes(actor.user.role) && approval.requestedBy !== actor.user.username) {
      throw new AppError('AUTH_FORBIDDEN', `Denials need one of the roles: ${APPROVER_ROLES.join(', ')}`);
    }
    const state = approval.requestedBy === actor.user.username ? 'cancelled' : 'denied';
    await this.d.store.transaction((tx) =>
      this.decideIn(tx, approval, state, actor.user.username, note, meta),
    );
    return this.get(id);
  }

  /**
   * Expires pending requests whose window has passed, audited as `approval.expire`; run
   * periodically so that an expiry is recorded (and the work it gated is closed) even when
   * nobody looks at the request again. Several instances may sweep at once: each request
   * expires once (the transition is conditional). Returns how many this call expired.
   */
  async expireDue(): Promise<number> {
    const now = this.d.clock.now().toISOString();
    const due = (await this.d.store.approvals.list({ states: ['pending'], limit: 1000 })).filter(
      (a) => a.expiresAt <= now,
    );
    let expired = 0;
    for (const approval of due) {
      try {
        await this.d.store.transaction((tx) =>
          this.decideIn(tx, approval, 'expired', 'system', 'approval window passed', { requestId: null }),
        );
        expired++;
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'APPROVAL_NOT_PENDING')) throw err;
      }
    }
    return expired;
  }

  private async pending(id: string): Promise<ApprovalRecord> {
    const approval = await this.d.store.approvals.find(id);
    if (!approval) throw new AppError('APPROVAL_NOT_FOUND', 'No such approval request');
    if (approval.state !== 'pending')
      throw new AppError('APPROVAL_NOT_PENDING', `The request is already ${approval.state}`);
    if (approval.expiresAt <= this.d.clock.now().toISOString()) {
      await this.d.store.transaction((tx) =>
        this.decideIn(tx, approval, 'expired', 'system', 'approval window passed', { requestId: null }),
      );
      throw new AppError('APPROVAL_EXPIRED', 'The approval window has passed; request again');
    }
    return approval;
  }

  private async decideIn(
    tx: TxContext,
    approval: ApprovalRecord,
    state: 'approved' | 'denied' | 'expired' | 'cancelled',
    by: string,
    note: string,
    meta: { requestId: string | null },
  ): Promise<void> {
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
        requiredApprovers: approval.requiredApprovers,
        note,
      },
    });
  }
}

function withVotes(r: ApprovalRecord, votes: ApprovalVote[]): Approval {
  return {
    ...r,
    votes: votes
      .filter((v) => v.approvalId === r.id)
      .map((v) => ({ approver: v.approver, votedAt: v.votedAt, note: v.note })),
  };
}
