import type { SignedCertificate } from '../../shared/schemas/certificates.ts';

/** A stored certificate of sanitization: the signed file, plus the columns it is found by. */
export interface CertificateRecord {
  id: string;
  /** `sed:<serial>` or `cartridge:<barcode>`. */
  itemRef: string;
  /** The erase item it certifies: one certificate per item. */
  itemId: string;
  requestId: string;
  issuedAt: string;
  certificate: SignedCertificate;
}

export interface CertificateListOptions {
  limit: number;
  offset: number;
  itemRef?: string | undefined;
}

export interface CertificateRepository {
  /** Rejects (unique constraint) when the item already has a certificate. */
  insert(record: CertificateRecord): Promise<void>;
  find(id: string): Promise<CertificateRecord | undefined>;
  findByItemId(itemId: string): Promise<CertificateRecord | undefined>;
  /** Newest first. */
  list(opts: CertificateListOptions): Promise<{ items: CertificateRecord[]; total: number }>;
}
