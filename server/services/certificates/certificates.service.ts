import {
  CERTIFICATE_FORMAT,
  CertificateDocumentSchema,
  CertificateInputSchema,
  type CertificateDocument,
  type CertificateInput,
  type CertificateListQuery,
  type CertificatePage,
  type CertificateSummary,
  type SignedCertificate,
  type SigningKey,
} from '../../../shared/schemas/certificates.ts';
import type { CertificateRecord } from '../../domain/certificate-repositories.ts';
import { AppError } from '../../domain/errors.ts';
import type { Store, TxContext } from '../../domain/repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdGen } from '../../platform/ids.ts';
import type { AuditService } from '../audit.service.ts';
import { colonHex } from './certificate-encoding.ts';
import type { CertificateSigner } from './certificate-signer.ts';

function summaryOf(r: CertificateRecord): CertificateSummary {
  const d = r.certificate.document;
  return {
    id: r.id,
    itemRef: r.itemRef,
    issuedAt: r.issuedAt,
    completedAt: d.completedAt,
    mediaType: d.media.type,
    serialNumber: d.media.serialNumber,
    category: d.sanitization.category,
    method: d.sanitization.method,
    verificationResult: d.verification.result,
    requestId: r.requestId,
    operator: d.people.operator,
  };
}

/**
 * Certificates of sanitization (NIST SP 800-88 Rev. 1, Appendix G): one per erased item,
 * signed with the HSM's ECDSA P-256 key, stored, audited, and verifiable offline from the file
 * alone (`verifyCertificate`, `npx lockwarden cert verify`, or openssl: docs/certificates.md).
 */
export class CertificatesService {
  constructor(
    private readonly d: {
      store: Store;
      signer: CertificateSigner;
      audit: AuditService;
      clock: Clock;
      ids: IdGen;
      /** The console instance name written as `issuer`. */
      issuer: string;
    },
  ) {}

  /**
   * Signs and stores the certificate of one erased item and audits `certificate.issue`, in
   * `tx` when given (the erase service's transaction that marks the item erased) or in its
   * own. Idempotent per `references.itemId`: when the item already has a certificate, that one
   * is returned unchanged, so a resumed job may call it again. The HSM signs before anything is
   * written; a rejected input (`VALIDATION_FAILED`) or HSM failure (`HSM_UNAVAILABLE`,
   * `HSM_ERROR`) writes nothing.
   */
  async issue(input: CertificateInput, tx?: TxContext): Promise<SignedCertificate> {
    const parsed = CertificateInputSchema.safeParse(input);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      }));
      throw new AppError(
        'VALIDATION_FAILED',
        `Invalid certificate input: ${details[0]?.path ?? ''}: ${details[0]?.message ?? ''}`,
        { details },
      );
    }
    const p = parsed.data;
    const { itemId, itemRef } = p.references;
    const known = await (tx ?? this.d.store).certificates.findByItemId(itemId);
    if (known) return known.certificate;

    const document: CertificateDocument = CertificateDocumentSchema.parse({
      format: CERTIFICATE_FORMAT,
      certificateId: this.d.ids.uuid(),
      issuedAt: this.d.clock.now().toISOString(),
      issuer: this.d.issuer,
      media: { ...p.media, source: p.media.source ?? null },
      sanitization: p.sanitization,
      verification: p.verification,
      destination: p.destination ?? null,
      completedAt: p.completedAt,
      people: p.people,
      references: p.references,
      notes: p.notes ?? null,
    } satisfies CertificateDocument);
    const certificate: SignedCertificate = { document, signature: await this.d.signer.sign(document) };

    const save = async (t: TxContext): Promise<SignedCertificate> => {
      const raced = await t.certificates.findByItemId(itemId);
      if (raced) return raced.certificate;
      await t.certificates.insert({
        id: document.certificateId,
        itemRef,
        itemId,
        requestId: p.references.requestId,
        issuedAt: document.issuedAt,
        certificate,
      });
      await this.d.audit.record(t, {
        actor: p.people.operator,
        action: 'certificate.issue',
        target: itemRef,
        outcome: 'success',
        requestId: null,
        details: {
          certificateId: document.certificateId,
          eraseRequestId: p.references.requestId,
          approvalId: p.references.approvalId,
          jobId: p.references.jobId,
          itemId,
          category: p.sanitization.category,
          method: p.sanitization.method,
          verification: p.verification.result,
          keyId: certificate.signature.keyId,
        },
      });
      return certificate;
    };
    return tx ? save(tx) : this.d.store.transaction(save);
  }

  async list(query: CertificateListQuery): Promise<CertificatePage> {
    const page = await this.d.store.certificates.list(query);
    return { certificates: page.items.map(summaryOf), total: page.total };
  }

  async get(id: string): Promise<SignedCertificate> {
    const record = await this.d.store.certificates.find(id);
    if (!record) throw new AppError('CERTIFICATE_NOT_FOUND', 'No such certificate');
    return record.certificate;
  }

  /** The public signing key for pinning (created in the HSM on first use). */
  async signingKey(): Promise<SigningKey> {
    const key = await this.d.signer.publicKey();
    return {
      alg: 'ES256',
      curve: 'P-256',
      keyId: key.keyId,
      fingerprintSha256: colonHex(key.keyId),
      publicKeyPem: key.pem,
      hsmLabel: key.label,
    };
  }
}
