import { AppError } from '../../domain/errors.ts';
import type { EraseItemRecord, EraseRequestRecord } from '../../domain/erase-repositories.ts';
import type { Store } from '../../domain/repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import { bindingOf } from './erase-binding.ts';
import type { EraseCtx, ItemEraser, Verification } from './item-eraser.ts';

/** The steps the scheduled erase job and the operator-driven PSID revert share. */
export interface EraseStepDeps {
  store: Store;
  audit: AuditService;
  clock: Clock;
}

/**
 * Right before anything is erased: the approval must name this request, be executed (every
 * vote its policy asked for, none by the requester), be bound to exactly these items and this
 * method, and be fresh (no later than its validity past the due time). A refusal fails the
 * request, is audited, and throws. Returns the approvers, for the certificate.
 */
export async function checkEraseApproval(
  d: EraseStepDeps,
  request: EraseRequestRecord,
  approvalId: string,
  items: EraseItemRecord[],
): Promise<string[]> {
  const approval = await d.store.approvals.find(approvalId);
  const refuse = async (why: string): Promise<never> => {
    await setRequestState(d, request.id, 'failed');
    await d.store.transaction((tx) =>
      d.audit.record(tx, {
        actor: 'system',
        action: 'erase.refused',
        target: `erase:${request.id}`,
        outcome: 'failure',
        requestId: null,
        details: { approvalId, reason: why },
      }),
    );
    throw new AppError('APPROVAL_EXPIRED', `Erase ${request.id} refused: ${why}`);
  };
  if (!approval || approval.id !== request.approvalId || approval.params.eraseRequestId !== request.id)
    return refuse('the approval does not name this request');
  if (approval.state !== 'executed' || !approval.decidedBy)
    return refuse(`the approval is ${approval.state}`);
  const approvers = (await d.store.approvals.votes([approval.id])).map((v) => v.approver);
  if (approvers.includes(request.requestedBy) || approval.decidedBy === request.requestedBy)
    return refuse('the requester approved their own request');
  if (new Set(approvers).size < approval.requiredApprovers)
    return refuse(
      `it has ${approvers.length} of the ${approval.requiredApprovers} approvals its policy needs`,
    );
  if (
    approval.params.binding !==
    bindingOf(
      request.method,
      request.range,
      items.map((i) => i.identity),
    )
  )
    return refuse('the approval was given for other devices or another method');
  const runAt = request.runAt ? new Date(request.runAt).getTime() : 0;
  if (d.clock.now().getTime() > runAt + approval.validHours * 3_600_000)
    return refuse(
      `it was due at ${request.runAt ?? '?'}; its approval is good for ${approval.validHours} hours past that`,
    );
  return approvers;
}

export type ItemOutcome =
  | { state: 'erased'; result: string; verification: Verification }
  | { state: 'failed' | 'skipped'; result: string; verification?: undefined };

/** After the erase: a verification that passed retires the item's secrets; one that failed fails it. */
export async function settleItem(
  eraser: ItemEraser,
  request: EraseRequestRecord,
  item: EraseItemRecord,
  ctx: EraseCtx,
  verification: Verification,
): Promise<ItemOutcome> {
  if (!verification.passed)
    return {
      state: 'failed',
      result: `verification failed (${verification.method}): ${verification.details}`,
    };
  await eraser.retireSecrets(item, request, ctx);
  return { state: 'erased', result: `verified: ${verification.details}`, verification };
}

/** The item's final state, with its certificate and an audit record, in one transaction. */
export async function finishItem(
  d: EraseStepDeps,
  request: EraseRequestRecord,
  item: EraseItemRecord,
  state: 'erased' | 'failed' | 'skipped',
  result: string,
  certificateId: string | null,
  actor = 'system',
): Promise<void> {
  const now = d.clock.now().toISOString();
  await d.store.transaction(async (tx) => {
    await tx.erase.updateItem(item.id, { state, result, certificateId, updatedAt: now });
    await d.audit.record(tx, {
      actor,
      action: 'erase.item',
      target: item.itemRef,
      outcome: state === 'erased' ? 'success' : 'failure',
      requestId: null,
      details: { eraseRequestId: request.id, method: request.method, state, result, certificateId },
    });
  });
}

export async function setRequestState(
  d: EraseStepDeps,
  id: string,
  state: EraseRequestRecord['state'],
): Promise<void> {
  await d.store.erase.updateRequest(id, { state, updatedAt: d.clock.now().toISOString() });
}
