import { z } from 'zod';

export const JobStateSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

/** A durable job as the API shows it. */
export const JobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: JobStateSchema,
  params: z.record(z.string(), z.unknown()),
  done: z.number().int(),
  total: z.number().int(),
  failedItems: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  runAfter: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** The job's resume point and per-item results (never secrets), e.g. unlock-all outcomes per drive. */
  cursor: z.record(z.string(), z.unknown()).nullable(),
});
export type Job = z.infer<typeof JobSchema>;

export const JobListQuerySchema = z.strictObject({
  kind: z.string().max(64).optional(),
  state: JobStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
