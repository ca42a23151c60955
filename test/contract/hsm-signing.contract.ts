import { createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importRefused } from './hsm-pkcs11-hooks.ts';
import { expectDriverError, type HsmContractContext } from './hsm.contract.ts';

/** HMAC (audit-chain seal) and ECDSA P-256 (certificates of sanitization). */
export function describeSigningContract(ctx: HsmContractContext): void {
  describe('HMAC and ECDSA', () => {
    it('creates a non-extractable HMAC key; MACs are deterministic, 32 bytes, batch = single', async () => {
      const d = await ctx.driver();
      const label = ctx.label('hmac');
      await d.createHmacKey(label);
      const [key] = await d.describeKey(label);
      expect(key).toMatchObject({
        objectClass: 'secret-key',
        keyType: 'generic-secret',
        isToken: true,
        isSensitive: true,
        isExtractable: false,
        usage: { sign: true, verify: true, encrypt: false, wrap: false, unwrap: false },
      });
      const records = Array.from({ length: 20 }, (_, i) => Buffer.from(`audit record ${i}`));
      const batch = await d.hmacSha256Batch(label, records);
      for (const [i, r] of records.entries()) {
        const single = await d.hmacSha256(label, r);
        expect(single).toHaveLength(32);
        expect(single.equals(batch[i]!)).toBe(true);
      }
      expect(new Set(batch.map((m) => m.toString('hex'))).size).toBe(20);
      expect(await d.hmacSha256(label, Buffer.alloc(0))).toHaveLength(32);
    });

    it('computes the same HMAC-SHA256 as node:crypto (known key)', async (t) => {
      const { importKnownKey } = ctx.target().hooks;
      if (!importKnownKey) return t.skip('needs the import-known-key hook');
      const d = await ctx.driver();
      const label = ctx.label('hmac-known');
      const key = randomBytes(32);
      try {
        await importKnownKey(d, label, 'hmac', key);
      } catch (err) {
        if (importRefused(err)) return t.skip('the HSM refuses to import a known key value');
        throw err;
      }
      for (const data of [Buffer.from('mac_{i-1} || record_i'), Buffer.alloc(0), randomBytes(70_000)])
        expect(
          (await d.hmacSha256(label, data)).equals(createHmac('sha256', key).update(data).digest()),
        ).toBe(true);
    });

    it('signs with ECDSA P-256 in the HSM; node:crypto verifies with the exported SPKI', async () => {
      const d = await ctx.driver();
      const label = ctx.label('cos-signing');
      await d.createSigningKeyPair(label);
      const parts = await d.describeKey(label);
      expect(parts.map((p) => p.objectClass).sort()).toEqual(['private-key', 'public-key']);
      expect(parts.find((p) => p.objectClass === 'private-key')).toMatchObject({
        keyType: 'ec',
        isToken: true,
        isSensitive: true,
        isExtractable: false,
        usage: { sign: true },
      });
      const probe = ctx.target().hooks.probeValueReadable;
      if (probe) expect(await probe(d, label)).toBe(false);

      const spki = await d.getPublicKeySpki(label);
      const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      expect(pub.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      const data = Buffer.from('certificate of sanitization: drive S3Z1NX0K123456, 2024-05-01');
      const sig = await d.signEcdsaSha256(label, data);
      expect(sig).toHaveLength(64);
      expect(verify('sha256', data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
      expect(verify('sha256', Buffer.from('tampered'), { key: pub, dsaEncoding: 'ieee-p1363' }, sig)).toBe(
        false,
      );
      await expectDriverError(d.signEcdsaSha256(ctx.label('no-such-pair'), data), 'HSM_KEY_NOT_FOUND');
    });
  });
}
