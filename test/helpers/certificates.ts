import {
  CERTIFICATE_FORMAT,
  type CertificateDocument,
  type CertificateInput,
  type SignedCertificate,
} from '../../shared/schemas/certificates.ts';
import { CertificateSigner } from '../../server/services/certificates/certificate-signer.ts';
import { MemoryHsm } from './memory-hsm.ts';

/** What the erase service would pass for one reverted SED. */
export function certificateInput(over: { itemId?: string; serial?: string } = {}): CertificateInput {
  const serial = over.serial ?? 'S3Z1NX0K123456';
  return {
    media: {
      type: 'NVMe SSD',
      manufacturer: 'Samsung',
      // Padded, as sedutil prints it: the service trims.
      model: 'Samsung SSD 960 EVO 250GB   ',
      serialNumber: serial,
    },
    sanitization: {
      category: 'Purge',
      method: 'Cryptographic Erase: TCG Opal revert with SID',
      tool: 'sedutil-cli 1.20.0',
    },
    verification: {
      method: 'Opal Level 0 discovery and Locking SP query after revert',
      result: 'passed',
      details: 'Locking SP: Manufactured-Inactive\nMSID opens the Admin SP',
    },
    completedAt: '2026-05-01T09:59:30.000Z',
    people: { requester: 'rita', approvers: ['sam'], operator: 'system' },
    references: {
      itemRef: `sed:${serial}`,
      requestId: 'req-0001',
      approvalId: 'appr-0001',
      jobId: 'job-0001',
      itemId: over.itemId ?? `item-${serial}`,
    },
  };
}

/** A complete document, as the service builds it (non-ASCII text included on purpose). */
export function certificateDocument(): CertificateDocument {
  return {
    format: CERTIFICATE_FORMAT,
    certificateId: '0196f0c2-6a1e-7c3b-9f00-1234567890ab',
    issuedAt: '2026-05-01T10:00:00.000Z',
    issuer: 'console-zürich-1',
    media: {
      type: 'LTO-9 data cartridge',
      manufacturer: 'FUJIFILM',
      model: 'LTO Ultrium 9',
      serialNumber: 'ABC123L9',
      source: 'Archiv Nord — Bänder 東京 😀',
    },
    sanitization: {
      category: 'Purge',
      method: 'Cryptographic Erase: data key destroyed in HSM',
      tool: 'Lockwarden 0.1.0 + PKCS#11 HSM lockwarden',
    },
    verification: {
      method: 'Key destroyed in database and HSM; mounted cartridge reports it cannot be decrypted',
      result: 'passed',
      details: 'Drive HU1234: "encrypted, no key"\tsense 7/74/01 <ok> & done',
    },
    destination: 'Returned to vendor',
    completedAt: '2026-05-01T09:59:30.000Z',
    people: { requester: 'rita', approvers: ['sam', 'séverine'], operator: 'olaf' },
    references: {
      itemRef: 'cartridge:ABC123L9',
      requestId: 'req-0001',
      approvalId: 'appr-0001',
      jobId: null,
      itemId: 'item-0001',
    },
    notes: null,
  };
}

/** A certificate signed by a fresh in-memory HSM key, with that signer. */
export async function signedCertificate(
  document: CertificateDocument = certificateDocument(),
): Promise<{ certificate: SignedCertificate; signer: CertificateSigner; hsm: MemoryHsm }> {
  const hsm = new MemoryHsm();
  const signer = new CertificateSigner(hsm);
  return { certificate: { document, signature: await signer.sign(document) }, signer, hsm };
}
