import type { ApprovalPolicy, SetApprovalPolicy } from '../../shared/schemas/approvals.ts';
import type { Role } from '../../shared/schemas/auth.ts';
import { AppError } from '../domain/errors.ts';
import type { DomainEvents } from '../domain/events.ts';
import type { Store } from '../domain/repositories.ts';
import type { Clock } from '../platform/clock.ts';
import type { AuditService } from './audit.service.ts';
import type { Principal, RequestMeta } from './auth/principal.ts';

/** Roles that may approve destructive work. */
export const APPROVER_ROLES: readonly Role[] = ['security-officer', 'admin'];

/** One approver besides the requester, 24 hours: what applies until an admin sets otherwise. */
export const DEFAULT_APPROVAL_POLICY = { approvers: 1, expiryHours: 24 } as const;

/** What each approval-gated action does, in words for the policy page. */
const ACTION_LABELS: Record<string, string> = {
  'erase.schedule': 'Crypto-erase at retirement (Opal or PSID revert, range re-key, cartridge shred)',
  'kek.destroy': 'Destroy a retired key-encryption key',
  'domain.delete': 'Delete a key domain',
  'secret.destroy': 'Destroy a managed secret',
  'sed.break-glass': 'Reveal an escrowed drive credential (break-glass)',
};

/**
 * Approval policy (dual control, invariant 3): per action, how many distinct approvers
 * besides the requester a request needs, and how long it stays valid. Admins may tighten or
 * loosen it within limits, never to zero; every change is audited with its before and after
 * and pushed to every dashboard, and a policy that nobody could satisfy is refused.
 */
export class ApprovalPolicyService {
  constructor(
    private readonly d: {
      store: Store;
      audit: AuditService;
      clock: Clock;
      events: DomainEvents;
      /** The actions that exist (those with an executor). */
      actions: () => string[];
    },
  ) {}

  async list(): Promise<ApprovalPolicy[]> {
    const stored = new Map((await this.d.store.approvalPolicies.list()).map((p) => [p.action, p]));
    const eligible = await this.eligibleApprovers();
    return this.d
      .actions()
      .sort()
      .map((action) => {
        const p = stored.get(action);
        return {
          action,
          label: ACTION_LABELS[action] ?? action,
          approvers: p?.approvers ?? DEFAULT_APPROVAL_POLICY.approvers,
          expiryHours: p?.expiryHours ?? DEFAULT_APPROVAL_POLICY.expiryHours,
          updatedBy: p?.updatedBy ?? null,
          updatedAt: p?.updatedAt ?? null,
          eligibleApprovers: eligible.length,
        };
      });
  }

  async forAction(action: string): Promise<{ approvers: number; expiryHours: number }> {
    const p = await this.d.store.approvalPolicies.find(action);
    return p ?? DEFAULT_APPROVAL_POLICY;
  }

  /** Usernames that may approve now: enabled security officers and admins. */
  async eligibleApprovers(): Promise<string[]> {
    return (await this.d.store.users.list())
      .filter((u) => !u.disabled && APPROVER_ROLES.includes(u.role))
      .map((u) => u.username);
  }

  async set(
    actor: Principal,
    action: string,
    next: SetApprovalPolicy,
    meta: RequestMeta,
  ): Promise<ApprovalPolicy> {
    if (actor.user.role !== 'admin') throw new AppError('AUTH_FORBIDDEN', 'Only admins set approval policy');
    if (!this.d.actions().includes(action))
      throw new AppError('VALIDATION_FAILED', `There is no approval-gated action ${action}`, {
        details: [{ path: 'action', message: `one of ${this.d.actions().sort().join(', ')}` }],
      });
    const eligible = await this.eligibleApprovers();
    if (eligible.length < next.approvers)
      throw new AppError(
        'APPROVAL_POLICY_UNSATISFIABLE',
        `Only ${eligible.length} user(s) may approve (enabled ${APPROVER_ROLES.join(' or ')}); ` +
          `add approvers before requiring ${next.approvers}`,
      );
    const before = await this.forAction(action);
    const now = this.d.clock.now().toISOString();
    await this.d.store.transaction(async (tx) => {
      await tx.approvalPolicies.upsert({ action, ...next, updatedBy: actor.user.username, updatedAt: now });
      await this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'approval.policy',
        target: `approval-policy:${action}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { action, before, after: next },
      });
      tx.afterCommit(() => this.d.events.emit('approval-policy:changed', { action }));
    });
    const updated = (await this.list()).find((p) => p.action === action);
    if (!updated) throw new Error(`policy ${action} vanished`);
    return updated;
  }
}
