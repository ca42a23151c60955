import { createPublicKey, verify } from 'node:crypto';
import type { CertificateDocument, SignedCertificate } from '../../../shared/schemas/certificates.ts';
import { AppError } from '../../domain/errors.ts';
import { isDriverError } from '../../drivers/core/driver-error.ts';
import type { HsmDriver } from '../../drivers/hsm/hsm-driver.ts';
import { hsmCall } from '../keys/hsm-errors.ts';
import { canonicalCertificateBytes, p1363ToDer, spkiFingerprint, spkiToPem } from './certificate-encoding.ts';

/** The HSM operations certificate signing uses. */
export type CertHsm = Pick<
  HsmDriver,
  'hasKey' | 'createSigningKeyPair' | 'getPublicKeySpki' | 'signEcdsaSha256'
>;

/** Label of the ECDSA P-256 key pair that signs certificates of sanitization. */
export const CERT_SIGNING_KEY_LABEL = 'lw:cert-signing:v1';

export interface SigningKeyInfo {
  label: string;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
  /** `spkiFingerprint(spki)`: the `keyId` of every signature. */
  keyId: string;
  pem: string;
}

/**
 * Signs certificate documents with an ECDSA P-256 key that never leaves the HSM, created there
 * on first use. Every signature is checked against the public key before it is handed out, so
 * a faulty HSM or a replaced key pair never produces a certificate that does not verify.
 */
export class CertificateSigner {
  private key: Promise<SigningKeyInfo> | undefined;

  constructor(
    private readonly hsm: CertHsm,
    readonly label: string = CERT_SIGNING_KEY_LABEL,
  ) {}

  /** The signing key's public half, creating the pair in the HSM if it does not exist yet. */
  publicKey(): Promise<SigningKeyInfo> {
    this.key ??= this.load().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  /** The detached signature over the canonical bytes of `document`. */
  async sign(document: CertificateDocument): Promise<SignedCertificate['signature']> {
    const bytes = canonicalCertificateBytes(document);
    const key = await this.publicKey();
    const value = await hsmCall('certificate signing', () => this.hsm.signEcdsaSha256(this.label, bytes));
    const publicKey = createPublicKey({ key: key.spki, format: 'der', type: 'spki' });
    if (
      value.length !== 64 ||
      !verify('sha256', bytes, { key: publicKey, dsaEncoding: 'ieee-p1363' }, value)
    ) {
      this.key = undefined; // the pair may have been replaced: read the public key again next time
      throw new AppError(
        'HSM_ERROR',
        `The HSM's signature does not verify with the public key of ${this.label}; no certificate was issued`,
      );
    }
    return {
      alg: 'ES256',
      keyId: key.keyId,
      value: value.toString('base64url'),
      der: p1363ToDer(value).toString('base64'),
      publicKeySpki: key.spki.toString('base64'),
    };
  }

  private async load(): Promise<SigningKeyInfo> {
    const spki = await hsmCall('certificate signing key', async () => {
      if (!(await this.hsm.hasKey(this.label))) {
        try {
          await this.hsm.createSigningKeyPair(this.label);
        } catch (err) {
          // Another console instance sharing the token created it first: use that one.
          if (!isDriverError(err, 'HSM_KEY_EXISTS')) throw err;
        }
      }
      return this.hsm.getPublicKeySpki(this.label);
    });
    return { label: this.label, spki, keyId: spkiFingerprint(spki), pem: spkiToPem(spki) };
  }
}
