import { z } from 'zod';

/** NIST SP 800-57 Part 1 key states. */
export const KEY_STATES = [
  'pre-active',
  'active',
  'suspended',
  'deactivated',
  'compromised',
  'destroyed',
] as const;
export const KeyStateSchema = z.enum(KEY_STATES);
export type KeyState = z.infer<typeof KeyStateSchema>;

export const KeyPurposeSchema = z.enum(['sed', 'tape', 'general']);
export const SecretKindSchema = z.enum(['sed-credential', 'tape-data-key']);
/** active: wraps new secrets; retiring: superseded, still holds secrets until re-wrapped. */
export const KekStateSchema = z.enum(['active', 'retiring', 'deactivated', 'destroyed']);

/** Domain ids are slugs: they appear in HSM labels (`lw:kek:<id>:v<n>`, at most 32+ chars). */
export const DomainIdSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');

export const KekVersionSchema = z.object({
  version: z.number().int(),
  state: KekStateSchema,
  createdAt: z.string(),
  deactivatedAt: z.string().nullable(),
  destroyedAt: z.string().nullable(),
  /** Secrets still wrapped under this version. */
  secretCount: z.number().int(),
});

export const KeyDomainSchema = z.object({
  id: z.string(),
  description: z.string(),
  purpose: KeyPurposeSchema,
  rotationPeriodDays: z.number().int().nullable(),
  activeKekVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastRotatedAt: z.string().nullable(),
  nextRotationAt: z.string().nullable(),
  keks: z.array(KekVersionSchema),
  secretsByState: z.record(z.string(), z.number().int()),
});
export type KeyDomain = z.infer<typeof KeyDomainSchema>;

export const CreateKeyDomainRequestSchema = z.strictObject({
  id: DomainIdSchema,
  description: z.string().max(200).default(''),
  purpose: KeyPurposeSchema.default('general'),
  rotationPeriodDays: z.number().int().min(1).max(3650).nullable().default(null),
});

export const UpdateKeyDomainRequestSchema = z
  .strictObject({
    description: z.string().max(200).optional(),
    rotationPeriodDays: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .refine((v) => v.description !== undefined || v.rotationPeriodDays !== undefined, 'nothing to change');

export const ManagedSecretSchema = z.object({
  id: z.string(),
  domainId: z.string(),
  kind: SecretKindSchema,
  state: KeyStateSchema,
  kekVersion: z.number().int(),
  kcv: z.string(),
  ownerRef: z.string().nullable(),
  createdAt: z.string(),
  stateChangedAt: z.string(),
  destroyedAt: z.string().nullable(),
});
export type ManagedSecret = z.infer<typeof ManagedSecretSchema>;

export const SecretTransitionRequestSchema = z.strictObject({
  event: z.enum(['activate', 'suspend', 'resume', 'deactivate', 'compromise']),
  reason: z.string().max(500).default(''),
});
