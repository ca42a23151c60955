import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateDocumentSchema, type SignedCertificate } from '../../../shared/schemas/certificates.ts';
import { DriverError } from '../../../server/drivers/core/driver-error.ts';
import {
  canonicalCertificateBytes,
  p1363ToDer,
  spkiFingerprint,
} from '../../../server/services/certificates/certificate-encoding.ts';
import {
  CERT_SIGNING_KEY_LABEL,
  CertificateSigner,
} from '../../../server/services/certificates/certificate-signer.ts';
import { verifyCertificate } from '../../../server/services/certificates/verify-certificate.ts';
import { certificateDocument, signedCertificate } from '../../helpers/certificates.ts';
import { MemoryHsm } from '../../helpers/memory-hsm.ts';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Every leaf of an object as a path, e.g. ['media', 'model'] or ['people', 'approvers', 0]. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([k, v]) =>
    leaves(v, [...path, Array.isArray(value) ? Number(k) : k]),
  );
}

function setAt(target: unknown, path: (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

function getAt(target: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], target);
}

describe('canonical bytes', () => {
  it('sorts keys at every level, keeps array order, no whitespace, UTF-8', () => {
    const bytes = canonicalCertificateBytes({ b: 1, a: { z: [3, { y: 'é', x: null }], c: true } });
    expect(bytes.toString('utf8')).toBe('{"a":{"c":true,"z":[3,{"x":null,"y":"é"}]},"b":1}');
    expect(bytes).toEqual(Buffer.from('{"a":{"c":true,"z":[3,{"x":null,"y":"\xc3\xa9"}]},"b":1}', 'latin1'));
  });

  it('does not depend on the order fields were written in', () => {
    const doc = certificateDocument();
    const reversed = JSON.parse(
      JSON.stringify(doc, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    ) as unknown;
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(doc));
    expect(canonicalCertificateBytes(reversed).equals(canonicalCertificateBytes(doc))).toBe(true);
  });
});

describe('P1363 to DER', () => {
  it('encodes minimal INTEGERs (leading zeros dropped, a zero added under a set high bit)', () => {
    const r = Buffer.alloc(32, 0x11);
    r[0] = 0;
    r[1] = 0; // two leading zeros: dropped
    const s = Buffer.alloc(32, 0x22);
    s[0] = 0x80; // high bit: 0x00 prepended
    const der = p1363ToDer(Buffer.concat([r, s]));
    expect(der.toString('hex')).toBe(`3043021e${'11'.repeat(30)}022100${'80'}${'22'.repeat(31)}`);
    expect(() => p1363ToDer(Buffer.alloc(63))).toThrow(RangeError);
  });

  it('converts real signatures so that DER verification accepts them', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 200; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, p1363ToDer(raw))).toBe(true);
    }
  });
});

describe('CertificateSigner', () => {
  it('creates the HSM key pair once, on first use, even when asked concurrently', async () => {
    const hsm = new MemoryHsm();
    const signer = new CertificateSigner(hsm);
    const [a, b] = await Promise.all([signer.publicKey(), signer.publicKey()]);
    expect(a.keyId).toBe(b.keyId);
    expect(hsm.calls.get('createSigningKeyPair')).toBe(1);
    expect(hsm.keys.get(CERT_SIGNING_KEY_LABEL)?.type).toBe('ec');
    expect(a.keyId).toBe(spkiFingerprint(a.spki));
    expect(createPublicKey(a.pem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    // A second console instance finds the key and does not create another.
    await new CertificateSigner(hsm).publicKey();
    expect(hsm.calls.get('createSigningKeyPair')).toBe(1);
  });

  it('maps HSM failures to domain errors and tries again on the next call', async () => {
    const hsm = new MemoryHsm();
    hsm.faults.push({ method: 'createSigningKeyPair', after: 0 });
    const signer = new CertificateSigner(hsm);
    await expect(signer.publicKey()).rejects.toMatchObject({ code: 'HSM_UNAVAILABLE' });
    await expect(signer.publicKey()).resolves.toMatchObject({ label: CERT_SIGNING_KEY_LABEL });
  });

  it('refuses to hand out a signature that does not verify (a replaced or faulty key)', async () => {
    const hsm = new MemoryHsm();
    const signer = new CertificateSigner(hsm);
    await signer.publicKey();
    const other = new MemoryHsm();
    await other.createSigningKeyPair('x');
    hsm.signEcdsaSha256 = (_label: string, data: Buffer) => other.signEcdsaSha256('x', data);
    await expect(signer.sign(certificateDocument())).rejects.toMatchObject({ code: 'HSM_ERROR' });
  });

  it('keeps a key created by another instance at the same moment', async () => {
    const hsm = new MemoryHsm();
    const create = hsm.createSigningKeyPair.bind(hsm);
    hsm.createSigningKeyPair = async (label: string) => {
      await create(label); // the other instance wins the race
      throw new DriverError('HSM_KEY_EXISTS', 'label exists');
    };
    await expect(new CertificateSigner(hsm).publicKey()).resolves.toMatchObject({
      label: CERT_SIGNING_KEY_LABEL,
    });
  });
});

describe('verifyCertificate', () => {
  it('accepts a good certificate, with and without the pinned key', async () => {
    const { certificate, signer } = await signedCertificate();
    expect(CertificateDocumentSchema.safeParse(certificate.document).success).toBe(true);
    expect(verifyCertificate(certificate)).toMatchObject({ ok: true, reasons: [] });
    const pinned = verifyCertificate(clone(certificate), {
      expectedPublicKey: (await signer.publicKey()).pem,
    });
    expect(pinned).toMatchObject({ ok: true, reasons: [] });
    expect(certificate.signature.keyId).toBe((await signer.publicKey()).keyId);
  });

  it('rejects a change to any field of the document', async () => {
    const { certificate } = await signedCertificate();
    const paths = leaves(certificate.document);
    expect(paths.length).toBeGreaterThan(25);
    for (const path of paths) {
      const tampered = clone(certificate);
      const old = getAt(tampered.document, path);
      const next =
        typeof old === 'string'
          ? path.at(-1) === 'category'
            ? 'Clear'
            : old === 'passed'
              ? 'failed'
              : `${old}0`
          : 'x';
      setAt(tampered.document, path, next);
      const result = verifyCertificate(tampered);
      expect(result.ok, path.join('.')).toBe(false);
      const schemaOk = CertificateDocumentSchema.safeParse(tampered.document).success;
      expect(result.reasons.join('\n'), path.join('.')).toMatch(
        schemaOk ? /signature does not match the document/ : /not a valid certificate/,
      );
    }
  });

  it('rejects added approvers and added or removed fields', async () => {
    const { certificate } = await signedCertificate();
    const moreApprovers = clone(certificate);
    moreApprovers.document.people.approvers.push('mallory');
    expect(verifyCertificate(moreApprovers).reasons).toEqual([
      expect.stringMatching(/signature does not match the document/),
    ]);
    const extra = clone(certificate) as unknown as { document: Record<string, unknown> };
    extra.document.sanitizedBy = 'nobody';
    expect(verifyCertificate(extra).reasons[0]).toMatch(/not a valid certificate: document/);
    const missing = clone(certificate) as unknown as { document: Record<string, unknown> };
    delete missing.document.verification;
    expect(verifyCertificate(missing).reasons[0]).toMatch(/not a valid certificate: document\.verification/);
    expect(verifyCertificate('not a certificate').ok).toBe(false);
  });

  it('rejects a changed signature', async () => {
    const { certificate } = await signedCertificate();
    const raw = Buffer.from(certificate.signature.value, 'base64url');
    raw[10]! ^= 0x01;
    const tampered: SignedCertificate = {
      ...certificate,
      signature: { ...certificate.signature, value: raw.toString('base64url') },
    };
    expect(verifyCertificate(tampered).reasons).toEqual([
      expect.stringMatching(/signature does not match the document/),
    ]);
    const badDer = clone(certificate);
    badDer.signature.der = Buffer.from('3006020101020101', 'hex').toString('base64');
    expect(verifyCertificate(badDer).reasons).toEqual([
      'signature.der is not the DER form of signature.value',
    ]);
  });

  it('rejects a swapped key, and a key other than the pinned one', async () => {
    const { certificate, signer } = await signedCertificate();
    const mallory = await signedCertificate();
    const malloryKey = await mallory.signer.publicKey();
    // The document with another key's SPKI and keyId: the signature no longer verifies.
    const swapped = clone(certificate);
    swapped.signature.publicKeySpki = malloryKey.spki.toString('base64');
    swapped.signature.keyId = malloryKey.keyId;
    expect(verifyCertificate(swapped).reasons).toEqual([
      expect.stringMatching(/signature does not match the document/),
    ]);
    // A document re-signed by another key verifies on its own, but not against the pinned key.
    const forged = clone(mallory.certificate);
    const pinned = (await signer.publicKey()).pem;
    const result = verifyCertificate(forged, { expectedPublicKey: pinned });
    expect(result.ok).toBe(false);
    expect(result.reasons).toEqual([
      expect.stringMatching(/^signed by key [0-9a-f]{64}, not by the expected key/),
    ]);
    // A keyId that does not name the embedded key.
    const wrongId = clone(certificate);
    wrongId.signature.keyId = malloryKey.keyId;
    expect(verifyCertificate(wrongId).reasons).toEqual([
      expect.stringMatching(/keyId .* is not the fingerprint of the embedded key/),
    ]);
    // A key of the wrong type.
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    const p384Cert = clone(certificate);
    p384Cert.signature.publicKeySpki = p384.toString('base64');
    expect(verifyCertificate(p384Cert).reasons).toEqual([
      'signature.publicKeySpki is not an EC P-256 key (ES256)',
    ]);
    expect(verifyCertificate(certificate, { expectedPublicKey: 'not a key' }).reasons).toEqual([
      'the expected public key cannot be read',
    ]);
  });
});
