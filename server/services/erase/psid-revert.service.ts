import { Secret } from '../../drivers/core/secret.ts';
import { AppError } from '../../domain/errors.ts';
import type { EraseItemRecord, EraseRequestRecord } from '../../domain/erase-repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Principal, RequestMeta } from '../auth/principal.ts';
import type { CertificateRequest } from './erase.job.ts';
import {
  checkEraseApproval,
  finishItem,
  setRequestState,
  settleItem,
  type EraseStepDeps,
} from './erase-steps.ts';
import type { SedEraser } from './sed-eraser.ts';

/** Who may stand at the drive and type its PSID. */
const PSID_OPERATORS = ['admin', 'security-officer', 'operator'];

/**
 * PSID revert (issue 7): for a drive whose credentials are lost, the operator types the PSID
 * from the drive's label once the approved request is due. The PSID lives only in a Secret for
 * this one call: never stored, logged, audited or returned. Like the scheduled job it re-checks
 * the approval and the drive's identity, marks the item `erasing` before the command (write-
 * ahead), verifies factory state, destroys any escrowed credentials and signs a certificate.
 * A PSID the drive refuses changes nothing and leaves the item pending: Lockwarden never retries
 * it (each attempt spends one of the drive's tries), the person may type it again.
 */
export class PsidRevertService {
  constructor(
    private readonly d: EraseStepDeps & {
      eraser: SedEraser;
      events: DomainEvents;
      issueCertificate: (req: CertificateRequest) => Promise<string>;
    },
  ) {}

  async run(
    actor: Principal,
    requestId: string,
    itemId: string,
    psid: string,
    meta: RequestMeta,
  ): Promise<EraseItemRecord> {
    const secret = new Secret(Buffer.from(psid, 'latin1'));
    try {
      return await this.#run(actor, requestId, itemId, secret, meta);
    } finally {
      secret.dispose();
    }
  }

  async #run(
    actor: Principal,
    requestId: string,
    itemId: string,
    psid: Secret,
    meta: RequestMeta,
  ): Promise<EraseItemRecord> {
    if (!PSID_OPERATORS.includes(actor.user.role))
      throw new AppError(
        'AUTH_FORBIDDEN',
        `A PSID revert needs one of the roles: ${PSID_OPERATORS.join(', ')}`,
      );
    const request = await this.d.store.erase.findRequest(requestId);
    if (!request) throw new AppError('DEVICE_NOT_FOUND', `No erase request ${requestId}`);
    if (request.method !== 'sed-psid-revert')
      throw new AppError(
        'VALIDATION_FAILED',
        `Erase request ${requestId} is a ${request.method}, not a PSID revert`,
      );
    if (request.state !== 'scheduled' && request.state !== 'running')
      throw new AppError('APPROVAL_NOT_PENDING', `Erase request ${requestId} is ${request.state}`);
    const now = this.d.clock.now();
    if (request.runAt && now.getTime() < new Date(request.runAt).getTime())
      throw new AppError(
        'APPROVAL_NOT_PENDING',
        `The erase is scheduled for ${request.runAt}; until then it can still be cancelled`,
      );
    const items = await this.d.store.erase.items(request.id);
    const item = items.find((i) => i.id === itemId);
    if (!item) throw new AppError('DEVICE_NOT_FOUND', `Erase request ${requestId} has no item ${itemId}`);
    if (item.state !== 'pending' && item.state !== 'erasing')
      throw new AppError('APPROVAL_NOT_PENDING', `${item.identity} is already ${item.state}`);
    const approvers = await checkEraseApproval(this.d, request, request.approvalId, items);
    const ctx = { actor: actor.user.username, requestId: meta.requestId, approvalId: request.approvalId };

    if (item.state === 'erasing') {
      // Interrupted (crash, lost connection): the revert may have happened. Look first.
      const seen = await this.d.eraser.verify(item, request);
      if (seen.passed) return this.finish(request, item, ctx, seen, approvers, actor);
    } else {
      await this.d.eraser.preflight(item, request);
      if (!(await this.d.store.erase.claimItem(item.id, 'pending', 'erasing', now.toISOString())))
        throw new AppError('APPROVAL_NOT_PENDING', `Someone else is erasing ${item.identity} right now`);
      if (request.state === 'scheduled') await setRequestState(this.d, request.id, 'running');
      this.changed(request.id);
    }
    try {
      await this.d.eraser.psidRevert(item, psid);
    } catch (err) {
      // The drive refused (wrong PSID, locked out, busy, gone): nothing was erased.
      await this.d.store.erase.claimItem(item.id, 'erasing', 'pending', this.d.clock.now().toISOString());
      const items = await this.d.store.erase.items(request.id);
      if (items.every((i) => i.state === 'pending')) await setRequestState(this.d, request.id, 'scheduled');
      await this.audit(request, item, ctx, 'failure', err instanceof AppError ? err.code : 'INTERNAL_ERROR');
      this.changed(request.id);
      throw err instanceof AppError && err.code === 'SED_AUTH_FAILED'
        ? new AppError(
            'SED_AUTH_FAILED',
            `${item.identity} did not accept the PSID; nothing was erased. Check the label (32 letters and digits) — each wrong PSID spends one of the drive's tries`,
          )
        : err;
    }
    const verification = await this.d.eraser.verify(item, request);
    return this.finish(request, item, ctx, verification, approvers, actor);
  }

  private async finish(
    request: EraseRequestRecord,
    item: EraseItemRecord,
    ctx: { actor: string; requestId: string | null; approvalId: string },
    verification: Awaited<ReturnType<SedEraser['verify']>>,
    approvers: string[],
    actor: Principal,
  ): Promise<EraseItemRecord> {
    const outcome = await settleItem(this.d.eraser, request, item, ctx, verification);
    let certificateId: string | null = null;
    if (outcome.state === 'erased')
      certificateId = await this.d.issueCertificate({
        request,
        item,
        medium: await this.d.eraser.describe(item, request),
        verification: outcome.verification,
        approvers,
        operator: actor.user.username,
        completedAt: this.d.clock.now().toISOString(),
        jobId: null,
      });
    await finishItem(
      this.d,
      request,
      item,
      outcome.state,
      outcome.result,
      certificateId,
      actor.user.username,
    );
    await this.audit(request, item, ctx, outcome.state === 'erased' ? 'success' : 'failure', outcome.result);
    const items = await this.d.store.erase.items(request.id);
    if (items.every((i) => i.state !== 'pending' && i.state !== 'erasing'))
      await setRequestState(
        this.d,
        request.id,
        items.every((i) => i.state === 'erased') ? 'completed' : 'failed',
      );
    this.changed(request.id);
    const updated = items.find((i) => i.id === item.id);
    if (!updated) throw new Error(`erase item ${item.id} vanished`);
    return updated;
  }

  /** Every attempt is audited: who, which drive, the outcome; never the PSID. */
  private async audit(
    request: EraseRequestRecord,
    item: EraseItemRecord,
    ctx: { actor: string; requestId: string | null; approvalId: string },
    outcome: 'success' | 'failure',
    result: string,
  ): Promise<void> {
    await this.d.store.transaction((tx) =>
      this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'erase.psid-revert',
        target: item.itemRef,
        outcome,
        requestId: ctx.requestId,
        details: { eraseRequestId: request.id, approvalId: ctx.approvalId, result },
      }),
    );
  }

  private changed(requestId: string): void {
    this.d.events.emit('erase:changed', { id: requestId });
  }
}
