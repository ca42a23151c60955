import { z } from 'zod';
import { BarcodeSchema, TapeSerialParamSchema } from './tape.ts';

export const KeyPolicySchema = z.enum(['per-cartridge', 'per-pool']);
export const CartridgeStateSchema = z.enum(['enrolled', 'in-use', 'scratched', 'retired']);

const VolserPrefixSchema = z
  .string()
  .min(1)
  .max(5)
  .regex(/^[A-Za-z0-9]+$/, 'letters and digits only');
const MediaIdSchema = z.string().regex(/^[A-Za-z0-9]{2}$/, 'a 2-character media id such as L9');

/** What a pool covers: a barcode range, a VOLSER prefix (optionally one media id), or a media id. */
export const PoolSelectorInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('range'), from: BarcodeSchema, to: BarcodeSchema }),
  z.strictObject({
    kind: z.literal('prefix'),
    prefix: VolserPrefixSchema,
    mediaId: MediaIdSchema.optional(),
  }),
  z.strictObject({ kind: z.literal('media'), mediaId: MediaIdSchema }),
]);

export const CreatePoolRequestSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(60)
      .regex(/^[A-Za-z0-9 ._-]+$/, 'letters, digits, space and . _ - only'),
    selector: PoolSelectorInputSchema,
    /** One key per cartridge (default), or one key shared by the pool per period. */
    keyPolicy: KeyPolicySchema.default('per-cartridge'),
    keyPeriodDays: z.number().int().min(1).max(3650).optional(),
  })
  .refine((p) => p.keyPolicy !== 'per-pool' || p.keyPeriodDays !== undefined, {
    message: 'a per-pool key policy needs keyPeriodDays',
    path: ['keyPeriodDays'],
  });
export type CreatePoolRequest = z.infer<typeof CreatePoolRequestSchema>;

export const TapePoolSchema = z.object({
  id: z.string(),
  librarySerial: z.string(),
  name: z.string(),
  volserFrom: z.string(),
  volserTo: z.string(),
  mediaId: z.string().nullable(),
  keyPolicy: KeyPolicySchema,
  keyPeriodDays: z.number().int().nullable(),
  cartridges: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type TapePool = z.infer<typeof TapePoolSchema>;

export const CartridgeSchema = z.object({
  barcode: z.string(),
  librarySerial: z.string(),
  poolId: z.string(),
  state: CartridgeStateSchema,
  /** The key's reference (what the drive writes in the U-KAD); never the key. */
  keyRef: z.string(),
  keyState: z.string(),
  keyCreatedAt: z.string(),
  enrolledAt: z.string(),
  lastMountedAt: z.string().nullable(),
  lastVerifiedAt: z.string().nullable(),
  verifyResult: z.string().nullable(),
});
export type Cartridge = z.infer<typeof CartridgeSchema>;

export const CartridgeListQuerySchema = z.strictObject({
  library: TapeSerialParamSchema.shape.serial.optional(),
  pool: z.string().max(64).optional(),
  state: CartridgeStateSchema.optional(),
  search: z
    .string()
    .max(8)
    .regex(/^[A-Za-z0-9]*$/, 'letters and digits only')
    .optional(),
  /** Only cartridges whose key is older than this many days. */
  keyOlderThanDays: z.coerce.number().int().min(0).max(36500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const CartridgePageSchema = z.object({
  cartridges: z.array(CartridgeSchema),
  total: z.number().int(),
});

/** Which cartridges to enroll: what the library holds, a barcode range, or a CSV upload. */
export const EnrollmentSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('inventory') }),
  z.strictObject({ kind: z.literal('range'), from: BarcodeSchema, to: BarcodeSchema }),
  z.strictObject({ kind: z.literal('csv'), csv: z.string().min(1).max(2_000_000) }),
]);

export const EnrollmentRequestSchema = z.strictObject({
  librarySerial: TapeSerialParamSchema.shape.serial,
  source: EnrollmentSourceSchema,
  /** Count and check only: nothing is written. */
  preview: z.boolean().default(false),
});
export type EnrollmentRequest = z.infer<typeof EnrollmentRequestSchema>;

export const EnrollmentPreviewSchema = z.object({
  total: z.number().int(),
  alreadyEnrolled: z.number().int(),
  toEnroll: z.number().int(),
  /** Cartridges in the library's inventory that no pool covers, or cleaning cartridges (inventory only). */
  skipped: z.number().int(),
  byPool: z.array(z.object({ poolId: z.string(), name: z.string(), count: z.number().int() })),
});
export type EnrollmentPreview = z.infer<typeof EnrollmentPreviewSchema>;

export const LibrarySettingsSchema = z.strictObject({ autoEnrollImports: z.boolean() });

export const CartridgeMountRequestSchema = z.strictObject({
  driveSerial: TapeSerialParamSchema.shape.serial,
  /** write: the cartridge's current key for encrypt+decrypt; read: the key its data needs. */
  purpose: z.enum(['write', 'read']).default('write'),
});

export const CartridgeMountResultSchema = z.object({
  barcode: z.string(),
  driveSerial: z.string(),
  keyRef: z.string().nullable(),
  encrypting: z.boolean(),
  decryptionMode: z.string(),
  keyInstanceCounter: z.number().int(),
});

export const BarcodeParamSchema = z.strictObject({ barcode: BarcodeSchema });

export const PoolListQuerySchema = z.strictObject({ library: TapeSerialParamSchema.shape.serial.optional() });

export const VerificationRequestSchema = z.strictObject({
  librarySerial: TapeSerialParamSchema.shape.serial,
  /** Default: every enrolled cartridge in the library now. */
  barcodes: z.array(BarcodeSchema).min(1).max(5000).optional(),
});
