import { z } from 'zod';
import { BarcodeSchema } from './tape.ts';

/**
 * Crypto-erase at retirement (issue 7). Methods:
 * - `sed-revert`: TCG Opal revert with the escrowed SID (whole drive, factory state);
 * - `sed-psid-revert`: the same with the PSID from the drive's label, for drives whose
 *   credentials are lost; an operator types the PSID when the erase is due (never stored);
 * - `sed-range-rekey`: a new media key for one locking range (Admin1);
 * - `tape-shred`: the cartridge's data key destroyed (a shared pool key only with its last cartridge).
 */
export const EraseMethodSchema = z.enum(['sed-revert', 'sed-psid-revert', 'sed-range-rekey', 'tape-shred']);
export type EraseMethod = z.infer<typeof EraseMethodSchema>;

const TimeZoneSchema = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Berlin');

/** When: as soon as approved, at a time, or in the next maintenance window after approval. */
export const EraseScheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('now') }),
  z.strictObject({ kind: z.literal('at'), at: z.iso.datetime({ offset: true }) }),
  z.strictObject({
    kind: z.literal('window'),
    /** Five-field cron (minute hour day month weekday), e.g. `0 2 * * SAT`. */
    cron: z.string().min(9).max(100),
    timeZone: TimeZoneSchema.default('UTC'),
  }),
]);
export type EraseSchedule = z.infer<typeof EraseScheduleSchema>;

const SerialSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ - only');

/** Which devices: SED drives by serial (or every enrolled drive of a host), cartridges by barcode, range or pool. */
export const EraseTargetsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sed-drives'), serials: z.array(SerialSchema).min(1).max(1000) }),
  z.strictObject({ kind: z.literal('sed-host'), host: z.string().min(1).max(100) }),
  z.strictObject({ kind: z.literal('cartridges'), barcodes: z.array(BarcodeSchema).min(1).max(10_000) }),
  z.strictObject({ kind: z.literal('cartridge-range'), from: BarcodeSchema, to: BarcodeSchema }),
  z.strictObject({ kind: z.literal('pool'), poolId: z.string().min(1).max(64) }),
]);

export const CreateEraseRequestSchema = z
  .strictObject({
    method: EraseMethodSchema,
    targets: EraseTargetsSchema,
    /** sed-range-rekey: the locking range (0 = global range). */
    range: z.number().int().min(0).max(15).optional(),
    schedule: EraseScheduleSchema,
    reason: z.string().min(3).max(500),
  })
  .refine((r) => r.method !== 'sed-range-rekey' || r.range !== undefined, {
    message: 'a range re-key names the range',
    path: ['range'],
  })
  .refine(
    (r) => (r.method === 'tape-shred') === ['cartridges', 'cartridge-range', 'pool'].includes(r.targets.kind),
    {
      message: 'tape-shred takes cartridges; SED methods take drives',
      path: ['targets'],
    },
  );
export type CreateEraseRequest = z.infer<typeof CreateEraseRequestSchema>;

export const EraseRequestStateSchema = z.enum([
  'pending-approval',
  'scheduled',
  'running',
  'completed',
  'failed',
  'cancelled',
  'denied',
]);

export const EraseItemSchema = z.object({
  id: z.string(),
  itemRef: z.string(),
  /** Drive serial or cartridge barcode the approval is bound to. */
  identity: z.string(),
  description: z.string(),
  state: z.enum(['pending', 'erasing', 'erased', 'failed', 'skipped']),
  result: z.string().nullable(),
  certificateId: z.string().nullable(),
  updatedAt: z.string(),
});

export type EraseItem = z.infer<typeof EraseItemSchema>;

export const EraseRequestSchema = z.object({
  id: z.string(),
  method: EraseMethodSchema,
  range: z.number().int().nullable(),
  reason: z.string(),
  schedule: EraseScheduleSchema,
  state: EraseRequestStateSchema,
  requestedBy: z.string(),
  approvalId: z.string(),
  approvedBy: z.string().nullable(),
  /** When it will run (or ran); null until approved. */
  runAt: z.string().nullable(),
  jobId: z.string().nullable(),
  itemCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type EraseRequest = z.infer<typeof EraseRequestSchema>;

export const EraseRequestDetailSchema = EraseRequestSchema.extend({ items: z.array(EraseItemSchema) });

/**
 * The PSID as printed on the label: 32 of 0-9 A-Z; dashes, spaces and lower case are
 * tolerated and normalised. Messages never repeat the value.
 */
export const PsidRevertSchema = z.strictObject({
  psid: z
    .string()
    .max(64)
    .transform((v) => v.replace(/[-\s]/g, '').toUpperCase())
    .refine((v) => /^[0-9A-Z]{32}$/.test(v), 'the PSID on the drive label: 32 letters and digits'),
});
export type PsidRevert = z.infer<typeof PsidRevertSchema>;
