import { createCipheriv, createHmac } from 'node:crypto';
import type { HsmSecretKind } from './hsm-driver.ts';

/**
 * Pure helpers shared by HSM implementations and tests.
 *
 * Key check values (3 bytes, 6 hex characters: enough to catch a wrong key or a mix-up, far too
 * little to learn anything about 256 bits):
 * - 'aes-256-key': AES-ECB encryption of one zero block, the check value vendors and key
 *   ceremonies show for AES keys, so an operator can compare it with a tape library's display.
 * - 'random-32': a password has no cipher, so HMAC-SHA256 keyed with the secret over a fixed
 *   label (a PRF output reveals nothing about its key).
 * Drivers compute both inside the HSM; `kcvOfPlaintext` is for tests and the simulator.
 */
export const KCV_HMAC_MESSAGE = Buffer.from('Lockwarden KCV v1', 'ascii');
export const KCV_BYTES = 3;

export function formatKcv(checkBytes: Uint8Array): string {
  return Buffer.from(checkBytes.subarray(0, KCV_BYTES)).toString('hex').toUpperCase();
}

export function kcvOfPlaintext(kind: HsmSecretKind, secret: Buffer): string {
  if (kind === 'aes-256-key') {
    const c = createCipheriv('aes-256-ecb', secret, null).setAutoPadding(false);
    return formatKcv(c.update(Buffer.alloc(16)));
  }
  return formatKcv(createHmac('sha256', secret).update(KCV_HMAC_MESSAGE).digest());
}

/** DER prefix of a P-256 SubjectPublicKeyInfo up to the BIT STRING content (RFC 5480). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/**
 * CKA_EC_POINT → SPKI. PKCS#11 says the point is a DER OCTET STRING (`04 41 04‖X‖Y`, SoftHSM
 * does this); some modules return the bare uncompressed point (`04‖X‖Y`). Accept both.
 */
export function p256SpkiFromEcPoint(ecPoint: Uint8Array): Buffer {
  let point = Buffer.from(ecPoint);
  if (point.length === 67 && point[0] === 0x04 && point[1] === 0x41) point = point.subarray(2);
  if (point.length !== 65 || point[0] !== 0x04)
    throw new Error('CKA_EC_POINT is not an uncompressed P-256 point');
  return Buffer.concat([P256_SPKI_PREFIX, point]);
}
