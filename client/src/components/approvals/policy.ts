// Approval policy and approval progress in words, for the inbox, the policy table, the retire
// dialog and the erase schedule. Pure functions over the shared DTOs.
import {
  APPROVAL_POLICY_LIMITS,
  type Approval,
  type ApprovalPolicy,
  type SetApprovalPolicy,
} from '../../../../shared/schemas/approvals.ts';

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `24 h`, `36 h`; whole days from two on: `3 days`, `30 days`. */
export function hoursText(hours: number): string {
  return hours >= 48 && hours % 24 === 0 ? plural(hours / 24, 'day') : `${hours} h`;
}

/** `needs 2 approvers, valid 24 h`. */
export function policyText(p: Pick<ApprovalPolicy, 'approvers' | 'expiryHours'>): string {
  return `needs ${plural(p.approvers, 'approver')}, valid ${hoursText(p.expiryHours)}`;
}

/** Why a policy as typed cannot be saved (outside the limits), or null. */
export function policyProblem(draft: SetApprovalPolicy): string | null {
  const { approvers, expiryHours } = APPROVAL_POLICY_LIMITS;
  if (
    !Number.isInteger(draft.approvers) ||
    draft.approvers < approvers.min ||
    draft.approvers > approvers.max
  )
    return `Approvers: ${approvers.min} to ${approvers.max}.`;
  if (
    !Number.isInteger(draft.expiryHours) ||
    draft.expiryHours < expiryHours.min ||
    draft.expiryHours > expiryHours.max
  )
    return `Validity: ${expiryHours.min} to ${expiryHours.max} hours (30 days).`;
  return null;
}

/**
 * A caution about a policy that the people who may approve can barely meet, or null. The
 * console refuses a policy nobody could satisfy; one that needs every approver also blocks
 * requests by approvers themselves (they cannot approve their own).
 */
export function policyCaution(approvers: number, eligible: number): string | null {
  if (approvers > eligible)
    return `Only ${plural(eligible, 'user')} may approve now (enabled security officers and admins).`;
  if (approvers === eligible)
    return `Every approver must agree; a request by one of them cannot be approved until more are added.`;
  return null;
}

/** `1 of 2 approvals`, `0 of 1 approval`. */
export function approvalCount(a: Pick<Approval, 'votes' | 'requiredApprovers'>): string {
  return `${a.votes.length} of ${a.requiredApprovers} approval${a.requiredApprovers === 1 ? '' : 's'}`;
}

/** How many more approvals a request waits for. */
export function remainingApprovals(a: Pick<Approval, 'votes' | 'requiredApprovers'>): number {
  return Math.max(0, a.requiredApprovers - a.votes.length);
}

/** Whether one more approval completes the request (so approving runs or schedules it). */
export function isFinalVote(a: Pick<Approval, 'votes' | 'requiredApprovers'>): boolean {
  return remainingApprovals(a) <= 1;
}

/**
 * Why `username` has no Approve button on a pending request, or null when they may approve:
 * their own request, or one they approved already.
 */
export function approveBlocked(
  a: Pick<Approval, 'requestedBy' | 'votes' | 'requiredApprovers'>,
  username: string,
): string | null {
  if (a.requestedBy === username) return 'Your request: other approvers decide';
  if (a.votes.some((v) => v.approver === username))
    return `You approved; waiting for ${remainingApprovals(a)} more`;
  return null;
}

/** `sam and sofia`, `ann, bob and cy`. */
export function namesText(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * A pending request's progress for the erase schedule: `waiting for a second person` (one
 * approver, none yet), `waiting for 2 approvers`, `1 of 2 approvals (sam) · waiting for 1 more`.
 */
export function waitingText(a: Pick<Approval, 'votes' | 'requiredApprovers'>): string {
  if (a.votes.length === 0)
    return a.requiredApprovers === 1
      ? 'waiting for a second person'
      : `waiting for ${a.requiredApprovers} approvers`;
  return `${approvalCount(a)} (${namesText(a.votes.map((v) => v.approver))}) · waiting for ${remainingApprovals(a)} more`;
}
