import { createCipheriv, createDecipheriv } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { kcvOfPlaintext } from '../../server/drivers/hsm/hsm-codecs.ts';
import type { HsmSecretKind } from '../../server/drivers/hsm/hsm-driver.ts';
import { importRefused } from './hsm-pkcs11-hooks.ts';
import { expectDriverError, type HsmContractContext } from './hsm.contract.ts';

/** RFC 3394 default IV; node:crypto's id-aes256-wrap wants it spelled out. */
const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
function nodeWrap(kek: Buffer, key: Buffer): Buffer {
  const c = createCipheriv('id-aes256-wrap', kek, KW_IV);
  return Buffer.concat([c.update(key), c.final()]);
}
function nodeUnwrap(kek: Buffer, blob: Buffer): Buffer {
  const c = createDecipheriv('id-aes256-wrap', kek, KW_IV);
  return Buffer.concat([c.update(blob), c.final()]);
}

/** RFC 3394 §4.6: 256 bits of key data wrapped with a 256-bit KEK. */
const RFC3394_KEK = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const RFC3394_DATA = Buffer.from('00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f', 'hex');
const RFC3394_WRAPPED = Buffer.from(
  '28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21',
  'hex',
);

const KINDS: HsmSecretKind[] = ['aes-256-key', 'random-32'];

export function describeSecretsContract(ctx: HsmContractContext): void {
  describe('managed secrets (generate, wrap, unwrap, rewrap)', () => {
    let kek = '';
    beforeAll(async () => {
      kek = ctx.label('kek-secrets');
      await (await ctx.driver()).createKek(kek);
    });

    it.each(KINDS)(
      'generates a batch of 100 %s: 40-byte blobs whose plaintext matches the KCV',
      async (kind) => {
        const d = await ctx.driver();
        const batch = await d.generateWrappedSecrets({ kekLabel: kek, kind, count: 100 });
        expect(batch).toHaveLength(100);
        expect(new Set(batch.map((s) => s.wrapped.toString('hex'))).size).toBe(100);
        for (const { wrapped, kcv } of batch) {
          expect(wrapped).toHaveLength(40);
          expect(kcv).toMatch(/^[0-9A-F]{6}$/);
          const secret = await d.unwrapSecret({ kekLabel: kek, kind, wrapped });
          expect(secret.expose()).toHaveLength(32);
          expect(kcvOfPlaintext(kind, secret.expose())).toBe(kcv);
          secret.dispose();
          expect(secret.isDisposed).toBe(true);
        }
      },
    );

    it('interoperates with RFC 3394 and node:crypto id-aes256-wrap (known-answer test)', async (t) => {
      const { importKnownKey } = ctx.target().hooks;
      if (!importKnownKey) return t.skip('needs the import-known-key hook');
      const d = await ctx.driver();
      // node:crypto itself gives the RFC's answer...
      expect(nodeWrap(RFC3394_KEK, RFC3394_DATA).equals(RFC3394_WRAPPED)).toBe(true);
      const known = ctx.label('kek-rfc3394');
      try {
        await importKnownKey(d, known, 'aes-kek', RFC3394_KEK);
      } catch (err) {
        if (importRefused(err)) return t.skip('the HSM refuses to import a known key value');
        throw err;
      }
      // ...the HSM unwraps the RFC's ciphertext to the RFC's key data...
      const rfc = await d.unwrapSecret({ kekLabel: known, kind: 'random-32', wrapped: RFC3394_WRAPPED });
      expect(rfc.expose().equals(RFC3394_DATA)).toBe(true);
      rfc.dispose();
      // ...and a secret generated in the HSM, re-wrapped to the known KEK, unwraps in node:crypto
      // to exactly what the HSM unwraps from its original blob.
      const [gen] = await d.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 1 });
      const [toKnown] = await d.rewrapSecrets({
        fromKekLabel: kek,
        toKekLabel: known,
        wrapped: [gen!.wrapped],
        kind: 'aes-256-key',
      });
      const viaNode = nodeUnwrap(RFC3394_KEK, toKnown!);
      const viaHsm = await d.unwrapSecret({ kekLabel: kek, kind: 'aes-256-key', wrapped: gen!.wrapped });
      expect(viaNode.equals(viaHsm.expose())).toBe(true);
      expect(kcvOfPlaintext('aes-256-key', viaNode)).toBe(gen!.kcv);
      expect(nodeWrap(RFC3394_KEK, viaNode).equals(toKnown!)).toBe(true);
      viaHsm.dispose();
      viaNode.fill(0);
    });

    it.each(KINDS)(
      're-wraps %s to a new KEK inside the HSM; the old KEK is then not needed',
      async (kind) => {
        const d = await ctx.driver();
        const [from, to] = [ctx.label(`kek-rot-${kind}-v1`), ctx.label(`kek-rot-${kind}-v2`)];
        await d.createKek(from);
        await d.createKek(to);
        const batch = await d.generateWrappedSecrets({ kekLabel: from, kind, count: 100 });
        const rewrapped = await d.rewrapSecrets({
          fromKekLabel: from,
          toKekLabel: to,
          wrapped: batch.map((s) => s.wrapped),
          kind,
        });
        expect(rewrapped).toHaveLength(100);
        const before: string[] = [];
        for (const s of batch) {
          const p = await d.unwrapSecret({ kekLabel: from, kind, wrapped: s.wrapped });
          before.push(p.expose().toString('hex'));
          p.dispose();
        }
        await expectDriverError(
          d.unwrapSecret({ kekLabel: from, kind, wrapped: rewrapped[0]! }),
          'HSM_WRAPPED_KEY_INVALID',
        );
        await d.destroyKey(from);
        for (const [i, blob] of rewrapped.entries()) {
          expect(blob).toHaveLength(40);
          expect(blob.equals(batch[i]!.wrapped)).toBe(false);
          const p = await d.unwrapSecret({ kekLabel: to, kind, wrapped: blob });
          expect(p.expose().toString('hex')).toBe(before[i]);
          expect(kcvOfPlaintext(kind, p.expose())).toBe(batch[i]!.kcv);
          p.dispose();
        }
        await expectDriverError(
          d.rewrapSecrets({ fromKekLabel: to, toKekLabel: to, wrapped: rewrapped, kind }),
          'HSM_INVALID_ARGUMENT',
        );
      },
    );

    it('rejects a tampered blob, or one under another KEK, with HSM_WRAPPED_KEY_INVALID and stays usable', async () => {
      const d = await ctx.driver();
      const [s] = await d.generateWrappedSecrets({ kekLabel: kek, kind: 'random-32', count: 1 });
      for (const pos of [0, 17, 39]) {
        const bad = Buffer.from(s!.wrapped);
        bad[pos]! ^= 0x01;
        const err = await expectDriverError(
          d.unwrapSecret({ kekLabel: kek, kind: 'random-32', wrapped: bad }),
          'HSM_WRAPPED_KEY_INVALID',
        );
        expect(err.retryable).toBe(false);
      }
      const other = ctx.label('kek-other');
      await d.createKek(other);
      await expectDriverError(
        d.unwrapSecret({ kekLabel: other, kind: 'random-32', wrapped: s!.wrapped }),
        'HSM_WRAPPED_KEY_INVALID',
      );
      const bad = Buffer.from(s!.wrapped);
      bad[3]! ^= 0xff;
      const err = await expectDriverError(
        d.rewrapSecrets({
          fromKekLabel: kek,
          toKekLabel: other,
          wrapped: [s!.wrapped, bad],
          kind: 'random-32',
        }),
        'HSM_WRAPPED_KEY_INVALID',
      );
      expect(err.detail['index']).toBe(1);
      const ok = await d.unwrapSecret({ kekLabel: kek, kind: 'random-32', wrapped: s!.wrapped });
      expect(ok.expose()).toHaveLength(32);
      ok.dispose();
    });

    it('names a missing KEK, and refuses a key that is not a KEK', async () => {
      const d = await ctx.driver();
      const missing = ctx.label('kek-missing');
      const err = await expectDriverError(
        d.generateWrappedSecrets({ kekLabel: missing, kind: 'aes-256-key', count: 3 }),
        'HSM_KEY_NOT_FOUND',
      );
      expect(err.detail['label']).toBe(missing);
      const hmac = ctx.label('hmac-not-kek');
      await d.createHmacKey(hmac);
      await expectDriverError(
        d.generateWrappedSecrets({ kekLabel: hmac, kind: 'aes-256-key', count: 1 }),
        'HSM_KEY_NOT_PERMITTED',
      );
    });
  });
}
