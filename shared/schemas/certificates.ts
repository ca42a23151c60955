import { z } from 'zod';

/**
 * Certificates of sanitization (issue 7), with the fields of NIST SP 800-88 Rev. 1,
 * Appendix G ("Sample Certificate of Sanitization"), plus Lockwarden's own references.
 *
 * The signed bytes are the canonical JSON of `document` (keys sorted at every level, no
 * whitespace, UTF-8). Text fields exclude control characters other than newline and tab,
 * and lone surrogates, so `JSON.stringify`, `jq -cS` and any other canonicaliser produce
 * the same bytes; the document has no numbers, so number formatting cannot differ either.
 */

/** The `format` of every document this version issues. */
export const CERTIFICATE_FORMAT = 'lockwarden.certificate-of-sanitization.v1';

const TEXT_PATTERN = /^[^\p{Cc}\p{Cs}]*$/u;
const PARAGRAPH_PATTERN = /^(?:[\n\t]|[^\p{Cc}\p{Cs}])*$/u;

const trimmed = (s: string) => s.trim() === s;

/** One line of text: no control characters, no leading or trailing space. */
const Line = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(TEXT_PATTERN, 'no control characters')
    .refine(trimmed, 'no leading or trailing spaces');
/** Free text that may span lines (newline and tab allowed). */
const Paragraph = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(PARAGRAPH_PATTERN, 'no control characters except newline and tab')
    .refine(trimmed, 'no leading or trailing spaces');
/**
 * Input text is normalised, not refused, where that is safe: a certificate is issued after the
 * erase, so a stray control character in device output or a reason must not lose it. Lines:
 * control characters become spaces, padding is trimmed (device strings such as models carry
 * it). Free text: CR LF becomes LF, other control characters spaces, and an over-long text is
 * cut with an ellipsis.
 */
const normalizeLine = (s: string) => s.replace(/[\p{Cc}\p{Cs}]+/gu, ' ').trim();
const normalizeParagraph = (max: number) => (s: string) => {
  const text = s
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]|\p{Cs}/gu, ' ')
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut.trimEnd()}…`;
};
const InLine = (max: number) => z.string().transform(normalizeLine).pipe(Line(max));
const InParagraph = (max: number) => z.string().transform(normalizeParagraph(max)).pipe(Paragraph(max));
const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
const Timestamp = z.iso.datetime({ offset: true });

/** What was sanitized: `sed:<drive serial>` or `cartridge:<barcode>`. */
export const ItemRefSchema = z
  .string()
  .max(80)
  .regex(/^(sed|cartridge):[A-Za-z0-9._-]{1,64}$/, 'sed:<serial> or cartridge:<barcode>');

/** NIST SP 800-88 sanitization categories; crypto-erase is Purge. */
export const SanitizationCategorySchema = z.enum(['Clear', 'Purge', 'Destroy']);
export type SanitizationCategory = z.infer<typeof SanitizationCategorySchema>;

export const VerificationResultSchema = z.enum(['passed', 'failed']);

export const CertificateMediaSchema = z.strictObject({
  /** e.g. "SSD (SATA)", "NVMe SSD", "HDD", "LTO-9 data cartridge". */
  type: Line(100),
  manufacturer: Line(100),
  model: Line(100),
  /** Drive serial number; for tape cartridges the barcode (VOLSER + media id). */
  serialNumber: Line(100),
  /** Media source / owner (user, system or property number). */
  source: Line(200).nullable(),
});

export const CertificateSanitizationSchema = z.strictObject({
  category: SanitizationCategorySchema,
  /** e.g. "Cryptographic Erase: TCG Opal revert with SID". */
  method: Line(200),
  /** Tool and version, e.g. "sedutil-cli 1.20.0" or "Lockwarden 0.1.0 + PKCS#11 HSM <label>". */
  tool: Line(200),
});

export const CertificateVerificationSchema = z.strictObject({
  /** How the result was checked, e.g. "Locking SP queried: factory state, MSID opens it". */
  method: Line(300),
  result: VerificationResultSchema,
  details: Paragraph(2000),
});

export const CertificatePeopleSchema = z.strictObject({
  /** Who asked for the sanitization. */
  requester: Line(100),
  /** Who approved it (dual control: never the requester). */
  approvers: z.array(Line(100)).min(1).max(10),
  /** The person who ran it, or `system` for scheduled work. */
  operator: Line(100),
});

export const CertificateReferencesSchema = z.strictObject({
  itemRef: ItemRefSchema,
  /** The erase request, its approval, the job that ran it (null when no job ran it) and the item. */
  requestId: Id,
  approvalId: Id,
  jobId: Id.nullable(),
  itemId: Id,
});

/** The document that is signed. Every field is always present (optional ones as null). */
export const CertificateDocumentSchema = z.strictObject({
  format: z.literal(CERTIFICATE_FORMAT),
  certificateId: Id,
  issuedAt: Timestamp,
  /** The console instance that issued and signed it. */
  issuer: Line(200),
  media: CertificateMediaSchema,
  sanitization: CertificateSanitizationSchema,
  verification: CertificateVerificationSchema,
  /** Post-sanitization destination (reuse, return to vendor, destruction…). */
  destination: Line(300).nullable(),
  /** When the sanitization (and its verification) completed. */
  completedAt: Timestamp,
  people: CertificatePeopleSchema,
  references: CertificateReferencesSchema,
  notes: Paragraph(2000).nullable(),
});
export type CertificateDocument = z.infer<typeof CertificateDocumentSchema>;

const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url without padding');
const Base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

/** The detached signature, with everything needed to check it offline. */
export const CertificateSignatureSchema = z.strictObject({
  alg: z.literal('ES256'),
  /** Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo (the key fingerprint). */
  keyId: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  /** ECDSA P-256 over SHA-256 of the canonical document: raw r‖s (IEEE P1363, 64 bytes), base64url. */
  value: Base64Url.length(86),
  /** The same signature DER-encoded (what `openssl dgst -verify` reads), base64. */
  der: Base64.max(120),
  /** The public key as DER SubjectPublicKeyInfo, base64. Pin it: see `GET /api/certificates/signing-key`. */
  publicKeySpki: Base64.max(200),
});

export const SignedCertificateSchema = z.strictObject({
  document: CertificateDocumentSchema,
  signature: CertificateSignatureSchema,
});
export type SignedCertificate = z.infer<typeof SignedCertificateSchema>;

/**
 * What the erase service passes to `CertificatesService.issue`. The service adds the format,
 * certificate id, issue time and issuer; optional fields become null in the document.
 */
export const CertificateInputSchema = z.strictObject({
  media: z.strictObject({
    type: InLine(100),
    manufacturer: InLine(100),
    model: InLine(100),
    serialNumber: InLine(100),
    source: InLine(200).nullish(),
  }),
  sanitization: z.strictObject({
    category: SanitizationCategorySchema,
    method: InLine(200),
    tool: InLine(200),
  }),
  verification: z.strictObject({
    method: InLine(300),
    result: VerificationResultSchema,
    details: InParagraph(2000),
  }),
  destination: InLine(300).nullish(),
  completedAt: Timestamp,
  people: z.strictObject({
    requester: InLine(100),
    approvers: z.array(InLine(100)).min(1).max(10),
    operator: InLine(100),
  }),
  references: CertificateReferencesSchema,
  notes: InParagraph(2000).nullish(),
});
export type CertificateInput = z.input<typeof CertificateInputSchema>;

/** One row of the certificate list. */
export const CertificateSummarySchema = z.object({
  id: z.string(),
  itemRef: z.string(),
  issuedAt: z.string(),
  completedAt: z.string(),
  mediaType: z.string(),
  serialNumber: z.string(),
  category: SanitizationCategorySchema,
  method: z.string(),
  verificationResult: VerificationResultSchema,
  requestId: z.string(),
  operator: z.string(),
});
export type CertificateSummary = z.infer<typeof CertificateSummarySchema>;

export const CertificateListQuerySchema = z.strictObject({
  itemRef: ItemRefSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CertificateListQuery = z.infer<typeof CertificateListQuerySchema>;

export const CertificatePageSchema = z.object({
  certificates: z.array(CertificateSummarySchema),
  total: z.number().int(),
});
export type CertificatePage = z.infer<typeof CertificatePageSchema>;

export const CertificateIdParamSchema = z.strictObject({ id: Id });

export const CertificateGetQuerySchema = z.strictObject({
  /** `1`: answer with `Content-Disposition: attachment` (a file to keep). */
  download: z.enum(['0', '1']).optional(),
});

/** The public half of the HSM signing key, for pinning. */
export const SigningKeySchema = z.object({
  alg: z.literal('ES256'),
  curve: z.literal('P-256'),
  /** Same value as `signature.keyId` of every certificate it signs. */
  keyId: z.string(),
  /** SHA-256 of the DER SubjectPublicKeyInfo, colon-separated upper-case hex (as openssl prints). */
  fingerprintSha256: z.string(),
  publicKeyPem: z.string(),
  /** Label of the key pair in the HSM (the private key never leaves it). */
  hsmLabel: z.string(),
});
export type SigningKey = z.infer<typeof SigningKeySchema>;
