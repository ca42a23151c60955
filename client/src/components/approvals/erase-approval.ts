// How an `erase.schedule` approval reads: its params checked against the shared schemas (they
// are inbound data), and the words the inbox and the decision dialog use for it.
import { z } from 'zod';
import type { Approval } from '../../../../shared/schemas/approvals.ts';
import { EraseMethodSchema, EraseScheduleSchema } from '../../../../shared/schemas/erase.ts';
import { ERASE_APPROVAL_ACTION, requestTitle } from '../erase/labels.ts';

const EraseApprovalParamsSchema = z.object({
  eraseRequestId: z.string(),
  method: EraseMethodSchema,
  range: z.number().int().nullable().default(null),
  itemCount: z.number().int(),
  /** The first 50 serials or barcodes the approval is bound to. */
  identities: z.array(z.string()).default([]),
  schedule: EraseScheduleSchema,
});
export type EraseApprovalParams = z.infer<typeof EraseApprovalParamsSchema>;

/** The params of an erase approval, or null for other actions (or params not understood). */
export function eraseApprovalParams(approval: Approval): EraseApprovalParams | null {
  if (approval.action !== ERASE_APPROVAL_ACTION) return null;
  const parsed = EraseApprovalParamsSchema.safeParse(approval.params);
  return parsed.success ? parsed.data : null;
}

/** What an approval is about, for a dialog heading: `Crypto-shred · 1 cartridge`, else its target. */
export function approvalSubject(approval: Approval): string {
  const erase = eraseApprovalParams(approval);
  return erase ? requestTitle(erase) : approval.target;
}

/** `A00001L9, A00002L9, A00003L9 and 9 more`: the first `shown` identities and how many others. */
export function identitiesText(
  params: Pick<EraseApprovalParams, 'identities' | 'itemCount'>,
  shown = 5,
): string {
  const first = params.identities.slice(0, shown);
  const more = params.itemCount - first.length;
  return more > 0 ? `${first.join(', ')} and ${more} more` : first.join(', ');
}
