import { z } from 'zod';

export const SedDriveStateSchema = z.enum([
  'discovered',
  'unsupported',
  'enrolling',
  'enrolled',
  'enroll-failed',
  'rotating',
  'missing',
]);

export const SedRangeSchema = z.object({
  range: z.number().int(),
  start: z.number(),
  length: z.number(),
  readLockEnabled: z.boolean(),
  writeLockEnabled: z.boolean(),
  readLocked: z.boolean(),
  writeLocked: z.boolean(),
});

/** A drive as the API shows it: identity, Opal state, management state. Never a credential. */
export const SedDriveSchema = z.object({
  id: z.string(),
  serial: z.string(),
  host: z.string(),
  devicePath: z.string(),
  model: z.string(),
  firmware: z.string(),
  transport: z.string(),
  ssc: z.string(),
  state: SedDriveStateSchema,
  step: z.string().nullable(),
  lockingSupported: z.boolean(),
  lockingEnabled: z.boolean(),
  locked: z.boolean(),
  mbrEnabled: z.boolean(),
  mbrDone: z.boolean(),
  ranges: z.array(SedRangeSchema),
  /** When the ranges were last listed (that takes Admin1); null while they never were. */
  rangesReadAt: z.string().nullable(),
  /** Whether escrowed credentials exist (their values never leave the server). */
  hasCredentials: z.boolean(),
  credentialRotationPending: z.boolean(),
  lastError: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type SedDrive = z.infer<typeof SedDriveSchema>;

const SearchSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9 ./:-]+$/, 'letters, digits, space and . / : - only');

export const SedDriveListQuerySchema = z.strictObject({
  host: z.string().max(100).optional(),
  state: SedDriveStateSchema.optional(),
  model: z.string().max(100).optional(),
  enrolled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  search: SearchSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const SedDrivePageSchema = z.object({ drives: z.array(SedDriveSchema), total: z.number().int() });

export const SedLockRequestSchema = z.strictObject({
  range: z.number().int().min(0).max(15).default(0),
  mode: z.enum(['LK', 'RW', 'RO']),
});

export const SedUnlockAllRequestSchema = z.strictObject({
  /** One host, or the whole fleet when omitted. */
  host: z.string().max(100).optional(),
});

export const SedDiscoveryResultSchema = z.object({
  seen: z.number().int(),
  added: z.number().int(),
  changed: z.number().int(),
  missing: z.number().int(),
});

export const BreakGlassRevealSchema = z.object({
  serial: z.string(),
  model: z.string(),
  host: z.string(),
  devicePath: z.string(),
  admin1Password: z.string(),
  unlockCommand: z.string(),
  expiresNote: z.string(),
});
