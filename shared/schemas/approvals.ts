import { z } from 'zod';

export const ApprovalStateSchema = z.enum([
  'pending',
  'approved',
  'denied',
  'expired',
  'executed',
  'cancelled',
]);

export const ApprovalSchema = z.object({
  id: z.string(),
  action: z.string(),
  target: z.string(),
  params: z.record(z.string(), z.unknown()),
  state: ApprovalStateSchema,
  requestedBy: z.string(),
  requestedAt: z.string(),
  reason: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  expiresAt: z.string(),
  executedAt: z.string().nullable(),
  consumedAt: z.string().nullable(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const ApprovalDecisionSchema = z.strictObject({ note: z.string().max(500).default('') });

export const DestroyRequestSchema = z.strictObject({
  reason: z.string().min(3, 'say why, for the audit trail').max(500),
});
