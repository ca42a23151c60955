import { z } from 'zod';

export const AuditProblemSchema = z.enum([
  'record-edited',
  'record-missing',
  'chain-broken',
  'head-mismatch',
  'seal-mismatch',
  'seal-invalid',
]);

/** What the audit chain verifier found. `firstBadSeq` is the first record that cannot be trusted. */
export const AuditVerificationSchema = z.object({
  ok: z.boolean(),
  checkedRecords: z.number().int(),
  lastSeq: z.number().int(),
  checkedSeals: z.number().int(),
  lastSealedSeq: z.number().int().nullable(),
  problem: AuditProblemSchema.nullable(),
  firstBadSeq: z.number().int().nullable(),
  message: z.string(),
  verifiedAt: z.string(),
});
export type AuditVerification = z.infer<typeof AuditVerificationSchema>;
