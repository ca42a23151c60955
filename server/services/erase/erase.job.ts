import { z } from 'zod';
import type { EraseMethod } from '../../../shared/schemas/erase.ts';
import { AppError } from '../../domain/errors.ts';
import type { EraseItemRecord, EraseRequestRecord } from '../../domain/erase-repositories.ts';
import type { Store } from '../../domain/repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import type { EraseCtx, ItemEraser, MediumDescription, Verification } from './item-eraser.ts';
import {
  checkEraseApproval,
  finishItem,
  setRequestState,
  settleItem,
  type ItemOutcome,
} from './erase-steps.ts';

export const ERASE_JOB = 'erase.execute';

const ParamsSchema = z.object({ eraseRequestId: z.string(), approvalId: z.string() });

/** What the job hands the certificate issuer for each erased item. */
export interface CertificateRequest {
  request: EraseRequestRecord;
  item: EraseItemRecord;
  medium: MediumDescription;
  verification: Verification;
  approvers: string[];
  operator: string;
  completedAt: string;
  /** Null when an operator ran it (PSID revert). */
  jobId: string | null;
}

export interface EraseJobDeps {
  store: Store;
  audit: AuditService;
  clock: Clock;
  erasers: Partial<Record<EraseMethod, ItemEraser>>;
  /** Signs a certificate of sanitization; returns its id. */
  issueCertificate: (req: CertificateRequest) => Promise<string>;
  /** Pause before another attempt at a transient failure (tests shorten it). */
  retryDelaysMs?: number[];
}

/**
 * Runs an approved erase at its time. Before touching anything it re-checks the approval
 * (approved, bound to these items and this method, still fresh), then per item: identity and
 * reachability, a write-ahead `erasing` mark, the erase (transient errors retried with backoff,
 * authentication failures never), verification, the secrets' destruction and a signed
 * certificate. A resume after a crash verifies an `erasing` item before it erases again, so an
 * item is never recorded erased when it is not, nor left pending when it was erased.
 */
export function eraseJob(d: EraseJobDeps): JobHandler<z.infer<typeof ParamsSchema>> {
  const delays = d.retryDelaysMs ?? [2_000, 8_000, 30_000];
  return {
    kind: ERASE_JOB,
    paramsSchema: ParamsSchema,
    async run(ctx) {
      const request = await d.store.erase.findRequest(ctx.params.eraseRequestId);
      if (!request) throw new AppError('DEVICE_NOT_FOUND', `No erase request ${ctx.params.eraseRequestId}`);
      if (request.state === 'cancelled') return;
      const items = await d.store.erase.items(request.id);
      const approvers = await checkEraseApproval(d, request, ctx.params.approvalId, items);
      const eraser = d.erasers[request.method];
      if (!eraser) throw new AppError('SERVICE_UNAVAILABLE', `No driver for ${request.method} is configured`);
      await setRequestState(d, request.id, 'running');
      const ectx: EraseCtx = {
        actor: request.requestedBy,
        requestId: null,
        approvalId: ctx.params.approvalId,
      };
      let done = items.filter((i) => i.state !== 'pending' && i.state !== 'erasing').length;
      let failed = items.filter((i) => i.state === 'failed' || i.state === 'skipped').length;
      for (const item of items) {
        if (item.state !== 'pending' && item.state !== 'erasing') continue;
        ctx.signal.throwIfAborted();
        const outcome = await eraseItem(d, eraser, request, item, ectx, delays, ctx.signal);
        if (outcome.state === 'erased') {
          const certificateId = await d.issueCertificate({
            request,
            item,
            medium: await eraser.describe(item, request),
            verification: outcome.verification,
            approvers,
            operator: 'system (scheduled job)',
            completedAt: d.clock.now().toISOString(),
            jobId: ctx.job.id,
          });
          await finishItem(d, request, item, 'erased', outcome.result, certificateId);
        } else {
          failed++;
          await finishItem(d, request, item, outcome.state, outcome.result, null);
        }
        done++;
        await ctx.progress({ done, total: items.length, failedItems: failed });
      }
      await setRequestState(d, request.id, failed > 0 ? 'failed' : 'completed');
    },
  };
}

async function eraseItem(
  d: EraseJobDeps,
  eraser: ItemEraser,
  request: EraseRequestRecord,
  item: EraseItemRecord,
  ctx: EraseCtx,
  delays: number[],
  signal: AbortSignal,
): Promise<ItemOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (item.state === 'erasing') {
        // Resumed after a crash: the command may have run. Look before acting again.
        const already = await eraser.verify(item, request, ctx);
        if (already.passed) return settleItem(eraser, request, item, ctx, already);
      }
      await eraser.preflight(item, request, ctx);
      await markErasing(d, item);
      item.state = 'erasing';
      await eraser.erase(item, request, ctx);
      return settleItem(eraser, request, item, ctx, await eraser.verify(item, request, ctx));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const delay = delays[attempt];
      if (eraser.isTransient(err) && delay !== undefined && !signal.aborted) {
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      return { state: 'failed', result: `${err.code}: ${err.message}` };
    }
  }
}

async function markErasing(d: EraseJobDeps, item: EraseItemRecord): Promise<void> {
  await d.store.erase.updateItem(item.id, { state: 'erasing', updatedAt: d.clock.now().toISOString() });
}
