import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { b64, unb64, type EncryptedPayload } from './cartridge.ts';

/**
 * Records are encrypted for real (AES-256-GCM, node:crypto), so a wrong key fails the way a
 * drive fails. The A-KAD is authenticated as AAD (that is what "authenticated KAD" means on
 * LTO); the U-KAD is stored in clear and not authenticated. Beside the ciphertext sits a key
 * FINGERPRINT — never the key (mhvtl stores the key itself; reference §8 says not to).
 */
const FINGERPRINT_LABEL = 'lockwarden-sim tape key fingerprint v1';

export function keyFingerprint(key: Uint8Array): string {
  return createHmac('sha256', key).update(FINGERPRINT_LABEL).digest().subarray(0, 16).toString('hex');
}

export interface RecordKads {
  ukad?: Uint8Array;
  akad?: Uint8Array;
}

export function encryptRecord(
  key: Uint8Array,
  algorithmIndex: number,
  plain: Uint8Array,
  kads: RecordKads,
  rdmd: boolean,
): EncryptedPayload {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(algorithmIndex, kads.akad));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    algorithmIndex,
    keyFingerprint: keyFingerprint(key),
    iv: b64(iv),
    tag: b64(cipher.getAuthTag()),
    ciphertext: b64(ciphertext),
    ...(kads.ukad ? { ukad: b64(kads.ukad) } : {}),
    ...(kads.akad ? { akad: b64(kads.akad) } : {}),
    rdmd,
  };
}

export type DecryptOutcome =
  { ok: true; plain: Uint8Array } | { ok: false; reason: 'wrong-key' | 'integrity' };

export function decryptRecord(key: Uint8Array, enc: EncryptedPayload): DecryptOutcome {
  const expected = Buffer.from(enc.keyFingerprint, 'hex');
  const actual = Buffer.from(keyFingerprint(key), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return { ok: false, reason: 'wrong-key' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, unb64(enc.iv));
    decipher.setAAD(aad(enc.algorithmIndex, enc.akad === undefined ? undefined : unb64(enc.akad)));
    decipher.setAuthTag(unb64(enc.tag));
    const plain = Buffer.concat([decipher.update(unb64(enc.ciphertext)), decipher.final()]);
    return { ok: true, plain: new Uint8Array(plain) };
  } catch {
    return { ok: false, reason: 'integrity' };
  }
}

/** What RAW decryption mode returns: a vendor-specific blob; here IV ‖ ciphertext ‖ tag. */
export function rawRecord(enc: EncryptedPayload): Uint8Array {
  return Buffer.concat([unb64(enc.iv), unb64(enc.ciphertext), unb64(enc.tag)]);
}

function aad(algorithmIndex: number, akad: Uint8Array | undefined): Uint8Array {
  return Buffer.concat([Buffer.from([algorithmIndex]), akad ?? new Uint8Array(0)]);
}
