import { z } from 'zod';

export const ApprovalStateSchema = z.enum([
  'pending',
  'approved',
  'denied',
  'expired',
  'executed',
  'cancelled',
]);

export const ApprovalVoteSchema = z.object({
  approver: z.string(),
  votedAt: z.string(),
  note: z.string(),
});

export const ApprovalSchema = z.object({
  id: z.string(),
  action: z.string(),
  target: z.string(),
  params: z.record(z.string(), z.unknown()),
  state: ApprovalStateSchema,
  requestedBy: z.string(),
  requestedAt: z.string(),
  reason: z.string(),
  /** The approver whose vote completed it (or who denied it). */
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  expiresAt: z.string(),
  executedAt: z.string().nullable(),
  consumedAt: z.string().nullable(),
  /** Distinct approvers it needs (the policy when it was requested). */
  requiredApprovers: z.number().int(),
  /** Hours it waits for approval; an approved scheduled action may start this late. */
  validHours: z.number().int(),
  votes: z.array(ApprovalVoteSchema),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const ApprovalDecisionSchema = z.strictObject({ note: z.string().max(500).default('') });

export const DestroyRequestSchema = z.strictObject({
  reason: z.string().min(3, 'say why, for the audit trail').max(500),
});

/** Limits an admin may set; a policy can be tightened or loosened, never switched off. */
export const APPROVAL_POLICY_LIMITS = {
  approvers: { min: 1, max: 5 },
  expiryHours: { min: 1, max: 720 },
} as const;

export const SetApprovalPolicySchema = z.strictObject({
  approvers: z
    .number()
    .int()
    .min(
      APPROVAL_POLICY_LIMITS.approvers.min,
      'dual control needs at least one approver besides the requester',
    )
    .max(APPROVAL_POLICY_LIMITS.approvers.max),
  expiryHours: z
    .number()
    .int()
    .min(APPROVAL_POLICY_LIMITS.expiryHours.min)
    .max(APPROVAL_POLICY_LIMITS.expiryHours.max, 'at most 30 days'),
});
export type SetApprovalPolicy = z.infer<typeof SetApprovalPolicySchema>;

export const ApprovalActionParamSchema = z.strictObject({
  action: z
    .string()
    .min(3)
    .max(64)
    .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'an action name such as erase.schedule'),
});

export const ApprovalPolicySchema = z.object({
  action: z.string(),
  /** What the action does, for people. */
  label: z.string(),
  approvers: z.number().int(),
  expiryHours: z.number().int(),
  /** Null while the built-in default applies. */
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  /** Users who may approve now (security officers and admins, enabled). */
  eligibleApprovers: z.number().int(),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;
