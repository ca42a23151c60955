import { z } from 'zod';

export const AuditOutcomeSchema = z.enum(['success', 'failure', 'denied']);

/** One audit record as the API shows it. Never holds a secret. */
export const AuditEventSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: AuditOutcomeSchema,
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditQuerySchema = z.strictObject({
  beforeSeq: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  action: z.string().max(100).optional(),
  actor: z.string().max(100).optional(),
  /** Exact target, e.g. `sed:S3X4NB0K0000019` or `domain:sed-fleet`. */
  target: z.string().max(200).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditPageSchema = z.object({
  events: z.array(AuditEventSchema),
  nextBeforeSeq: z.number().nullable(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;
