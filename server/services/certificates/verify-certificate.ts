import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { SignedCertificateSchema, type SignedCertificate } from '../../../shared/schemas/certificates.ts';
import { canonicalCertificateBytes, p1363ToDer, spkiFingerprint, toSpkiDer } from './certificate-encoding.ts';

export interface VerifyCertificateOptions {
  /**
   * The signing key the certificate must have been signed with (PEM, DER SPKI or a KeyObject),
   * e.g. from `GET /api/certificates/signing-key`. Without it, the check proves only that the
   * document matches the key embedded in the file, not who holds that key.
   */
  expectedPublicKey?: string | Buffer | KeyObject | undefined;
}

export interface CertificateVerification {
  ok: boolean;
  /** Why it failed, one sentence each; empty when `ok`. */
  reasons: string[];
  /** The parsed certificate when it matched the schema. */
  certificate?: SignedCertificate;
}

function schemaReasons(error: { issues: { path: PropertyKey[]; message: string }[] }): string[] {
  return error.issues
    .slice(0, 20)
    .map((i) => `not a valid certificate: ${i.path.map(String).join('.') || '(file)'}: ${i.message}`);
}

/**
 * Verifies a certificate of sanitization offline, with nothing but the file (and, for pinning,
 * the expected public key): the schema, the key fingerprint, the ECDSA P-256 signature over the
 * canonical document, the DER copy of the signature, and the pinned key. Pure: no database, no
 * HSM, no network.
 */
export function verifyCertificate(
  file: unknown,
  opts: VerifyCertificateOptions = {},
): CertificateVerification {
  const parsed = SignedCertificateSchema.safeParse(file);
  if (!parsed.success) return { ok: false, reasons: schemaReasons(parsed.error) };
  const certificate = parsed.data;
  const { signature } = certificate;
  const reasons: string[] = [];

  const spki = Buffer.from(signature.publicKeySpki, 'base64');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    return { ok: false, reasons: ['signature.publicKeySpki is not a DER public key'], certificate };
  }
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return { ok: false, reasons: ['signature.publicKeySpki is not an EC P-256 key (ES256)'], certificate };
  }
  const fingerprint = spkiFingerprint(spki);
  if (signature.keyId !== fingerprint) {
    reasons.push(
      `signature.keyId ${signature.keyId} is not the fingerprint of the embedded key (${fingerprint})`,
    );
  }

  // The raw document from the file, not zod's copy: the bytes signed are what the file says.
  const document = (file as { document: unknown }).document;
  const value = Buffer.from(signature.value, 'base64url');
  const signed =
    value.length === 64 &&
    verify(
      'sha256',
      canonicalCertificateBytes(document),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      value,
    );
  if (!signed) {
    reasons.push(
      'the signature does not match the document: the document or the signature was changed, or another key signed it',
    );
  } else if (!p1363ToDer(value).equals(Buffer.from(signature.der, 'base64'))) {
    reasons.push('signature.der is not the DER form of signature.value');
  }

  if (opts.expectedPublicKey !== undefined) {
    let expected: string;
    try {
      expected = spkiFingerprint(toSpkiDer(opts.expectedPublicKey));
    } catch {
      return { ok: false, reasons: [...reasons, 'the expected public key cannot be read'], certificate };
    }
    if (expected !== fingerprint) {
      reasons.push(`signed by key ${fingerprint}, not by the expected key ${expected}`);
    }
  }
  return { ok: reasons.length === 0, reasons, certificate };
}
