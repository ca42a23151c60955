import { createCipheriv, createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatKcv,
  kcvOfPlaintext,
  KCV_HMAC_MESSAGE,
  p256SpkiFromEcPoint,
} from '../../../../server/drivers/hsm/hsm-codecs.ts';

describe('key check values', () => {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

  it('AES keys: first 3 bytes of AES-256-ECB over a zero block, upper-case hex', () => {
    const block = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false).update(Buffer.alloc(16));
    expect(kcvOfPlaintext('aes-256-key', key)).toBe(block.subarray(0, 3).toString('hex').toUpperCase());
    // Pinned: a stored KCV must mean the same thing forever.
    expect(kcvOfPlaintext('aes-256-key', key)).toBe('F29000');
  });

  it('passwords: first 3 bytes of HMAC-SHA256(secret, fixed label)', () => {
    const mac = createHmac('sha256', key).update(KCV_HMAC_MESSAGE).digest();
    expect(kcvOfPlaintext('random-32', key)).toBe(mac.subarray(0, 3).toString('hex').toUpperCase());
    expect(KCV_HMAC_MESSAGE.toString()).toBe('Lockwarden KCV v1');
    expect(kcvOfPlaintext('random-32', key)).toBe('B1F8CA');
  });

  it('formats 3 bytes only', () => {
    expect(formatKcv(Uint8Array.from([0xab, 0x01, 0xff, 0x99]))).toBe('AB01FF');
  });
});

describe('p256SpkiFromEcPoint', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const point = spki.subarray(spki.length - 65);

  it('accepts the DER OCTET STRING form PKCS#11 specifies (SoftHSM)', () => {
    expect(p256SpkiFromEcPoint(Buffer.concat([Buffer.from([0x04, 0x41]), point])).equals(spki)).toBe(true);
  });

  it('accepts a bare uncompressed point (some vendors)', () => {
    expect(p256SpkiFromEcPoint(point).equals(spki)).toBe(true);
  });

  it('rejects anything else', () => {
    expect(() => p256SpkiFromEcPoint(point.subarray(1))).toThrow(/uncompressed P-256/);
    expect(() => p256SpkiFromEcPoint(Buffer.alloc(65))).toThrow(/uncompressed P-256/);
  });
});
