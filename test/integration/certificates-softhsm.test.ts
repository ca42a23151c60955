import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11HsmDriver } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import {
  CERT_SIGNING_KEY_LABEL,
  CertificateSigner,
} from '../../server/services/certificates/certificate-signer.ts';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import { certificateDocument } from '../helpers/certificates.ts';
import { createTestSoftHsmToken, type TestSoftHsmToken } from '../helpers/softhsm-token.ts';

/** Certificate signing on the real PKCS#11 driver and a SoftHSM2 token. */
let token: TestSoftHsmToken;
let hsm: Pkcs11HsmDriver;
beforeAll(async () => {
  token = await createTestSoftHsmToken('lw-certs');
  hsm = new Pkcs11HsmDriver(token.driverOptions());
  await hsm.open();
});
afterAll(async () => {
  await hsm.close();
  await token.cleanup();
});

describe('certificate signing on SoftHSM2', () => {
  it('creates a non-extractable P-256 pair on first use and signs verifiable certificates', async () => {
    const signer = new CertificateSigner(hsm);
    const document = certificateDocument();
    const certificate = { document, signature: await signer.sign(document) };
    const parts = await hsm.describeKey(CERT_SIGNING_KEY_LABEL);
    expect(parts.find((p) => p.objectClass === 'private-key')).toMatchObject({
      keyType: 'ec',
      isSensitive: true,
      isExtractable: false,
    });
    const pem = (await signer.publicKey()).pem;
    expect(
      verifyCertificate(JSON.parse(JSON.stringify(certificate)), { expectedPublicKey: pem }),
    ).toMatchObject({
      ok: true,
    });
    // A restarted console finds the same key.
    const again = new CertificateSigner(hsm);
    expect((await again.publicKey()).keyId).toBe(certificate.signature.keyId);
  });
});
