import { z } from 'zod';

/** A device's last read failed: the domain error code and message (with the decoded sense). */
export const TapeDeviceErrorSchema = z.object({ code: z.string(), message: z.string() }).nullable();

export const TapeDriveEncryptionSchema = z.object({
  /** SECURITY PROTOCOL 0x20 is supported and an AES-256-GCM algorithm is offered. */
  supported: z.boolean(),
  /** Application-managed: this host may set keys (CFG_P = 01b); false when the library or an LME controls them. */
  hostControlled: z.boolean(),
  algorithmIndex: z.number().int().nullable(),
  maxKeyIdLength: z.number().int(),
});

export const TapeDriveMediumSchema = z.object({
  loaded: z.boolean(),
  ready: z.boolean(),
  condition: z.enum(['ready', 'no-medium', 'becoming-ready', 'cleaning', 'incompatible', 'not-ready']),
  writeProtected: z.boolean().nullable(),
  /** The cartridge the library reports in this drive (by volume tag), when the drive sits in a library. */
  barcode: z.string().nullable(),
});

/** SPIN 0x0020 as this console's nexus sees it. Key ids only: key material never leaves the drive. */
export const TapeDriveEncryptionStatusSchema = z.object({
  encrypting: z.boolean(),
  decryptionMode: z.enum(['disabled', 'raw', 'decrypt', 'mixed']),
  scope: z.enum(['public', 'local', 'all-nexus']),
  keyInstanceCounter: z.number().int(),
  parametersControl: z.enum(['host', 'management-interface', 'not-reported', 'other']),
  /** The U-KAD, when printable: the key id the drive was given. */
  keyId: z.string().nullable(),
});

export const TapeDriveSchema = z.object({
  /** Serial number (VPD 0x80): the drive's identity. Null until the drive has answered once. */
  serial: z.string().nullable(),
  /** Where the console reaches it (/dev path or emulator socket). */
  ref: z.string(),
  vendor: z.string().nullable(),
  product: z.string().nullable(),
  revision: z.string().nullable(),
  reachable: z.boolean(),
  error: TapeDeviceErrorSchema,
  library: z.object({ serial: z.string(), elementAddress: z.number().int() }).nullable(),
  encryption: TapeDriveEncryptionSchema.nullable(),
  medium: TapeDriveMediumSchema.nullable(),
  status: TapeDriveEncryptionStatusSchema.nullable(),
  updatedAt: z.string(),
});
export type TapeDrive = z.infer<typeof TapeDriveSchema>;

export const LibraryElementKindSchema = z.enum(['transport', 'storage', 'import-export', 'drive']);

export const LibraryElementSchema = z.object({
  kind: LibraryElementKindSchema,
  address: z.number().int(),
  full: z.boolean(),
  barcode: z.string().nullable(),
  mediaId: z.string().nullable(),
  /** data, worm, cleaning, … (from the label's media id). */
  cartridgeKind: z.string().nullable(),
  generation: z.number().int().nullable(),
  mediumType: z.enum(['unspecified', 'data', 'cleaning', 'diagnostic', 'worm']),
  sourceAddress: z.number().int().nullable(),
  /** The robot can reach it (false while the door is open). */
  accessible: z.boolean(),
  /** The library flagged the element (EXCEPT) with this ASC/ASCQ, as text. */
  exception: z.string().nullable(),
  /** Drives: the serial the library reports for the drive in this element (DVCID). */
  driveSerial: z.string().nullable(),
});
export type LibraryElement = z.infer<typeof LibraryElementSchema>;

export const TapeLibrarySchema = z.object({
  serial: z.string().nullable(),
  ref: z.string(),
  vendor: z.string().nullable(),
  product: z.string().nullable(),
  revision: z.string().nullable(),
  reachable: z.boolean(),
  /** The robot cannot reach the storage elements: the door is open (or the library is paused). */
  doorOpen: z.boolean(),
  error: TapeDeviceErrorSchema,
  counts: z.object({
    slots: z.number().int(),
    fullSlots: z.number().int(),
    drives: z.number().int(),
    loadedDrives: z.number().int(),
    importExport: z.number().int(),
    fullImportExport: z.number().int(),
    cleaning: z.number().int(),
  }),
  /** Rises whenever an element changes: a client showing the slot map refetches the inventory. */
  inventoryVersion: z.number().int(),
  updatedAt: z.string(),
});
export type TapeLibrary = z.infer<typeof TapeLibrarySchema>;

export const LibraryInventorySchema = z.object({
  library: TapeLibrarySchema,
  elements: z.array(LibraryElementSchema),
});
export type LibraryInventory = z.infer<typeof LibraryInventorySchema>;

export const TapeSerialParamSchema = z.strictObject({
  serial: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ - only'),
});

/** LTO volume label: 6 characters of VOLSER plus the 2-character media id (e.g. `A00001L9`). */
export const BarcodeSchema = z
  .string()
  .regex(
    /^[A-Z0-9]{6}(L[1-9A-Z]|M8)?$/,
    'a barcode is 6 letters or digits, optionally followed by a media id such as L9',
  );

export const MountRequestSchema = z.strictObject({
  barcode: BarcodeSchema,
  driveSerial: TapeSerialParamSchema.shape.serial,
});
export type MountRequest = z.infer<typeof MountRequestSchema>;

export const UnmountRequestSchema = z.strictObject({
  driveSerial: TapeSerialParamSchema.shape.serial,
  /** A storage slot address; default: where the cartridge came from, else the first empty slot. */
  destination: z.number().int().min(0).max(65535).optional(),
});
export type UnmountRequest = z.infer<typeof UnmountRequestSchema>;

export const MoveResultSchema = z.object({
  barcode: z.string().nullable(),
  source: z.number().int(),
  destination: z.number().int(),
  library: TapeLibrarySchema,
});
