import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../domain/audit-hash.ts';

/**
 * The bytes a certificate's signature covers: the canonical JSON of its document (object keys
 * sorted at every level, no whitespace), UTF-8. The same function the audit chain hashes with.
 * Pass the document exactly as read from the file, not a re-shaped copy.
 */
export function canonicalCertificateBytes(document: unknown): Buffer {
  return Buffer.from(canonicalJson(document), 'utf8');
}

function derInteger(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  let value = unsigned.subarray(start);
  if ((value[0] ?? 0) & 0x80) value = Buffer.concat([Buffer.from([0]), value]);
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}

/**
 * An ECDSA P-256 signature from raw r‖s (IEEE P1363, 64 bytes, what PKCS#11 returns) to the
 * DER `SEQUENCE { INTEGER r, INTEGER s }` that X.509 tools and `openssl dgst -verify` read.
 * Minimal encoding: leading zero bytes dropped, one added where the high bit is set.
 */
export function p1363ToDer(signature: Buffer): Buffer {
  if (signature.length !== 64) throw new RangeError(`a P-256 signature is 64 bytes, not ${signature.length}`);
  const body = Buffer.concat([derInteger(signature.subarray(0, 32)), derInteger(signature.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** The key fingerprint used as `keyId`: lower-case hex SHA-256 of the DER SubjectPublicKeyInfo. */
export function spkiFingerprint(spkiDer: Buffer): string {
  return createHash('sha256').update(spkiDer).digest('hex');
}

/** `ab12…` → `AB:12:…`, the way `openssl … -fingerprint` and most key dialogs show it. */
export function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

export function spkiToPem(spkiDer: Buffer): string {
  return createPublicKey({ key: spkiDer, format: 'der', type: 'spki' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

/** A public key given as PEM text, DER SPKI bytes or a KeyObject, as DER SPKI bytes. */
export function toSpkiDer(key: string | Buffer | KeyObject): Buffer {
  const object =
    typeof key === 'string'
      ? createPublicKey(key)
      : Buffer.isBuffer(key)
        ? createPublicKey({ key, format: 'der', type: 'spki' })
        : key;
  return object.export({ format: 'der', type: 'spki' });
}
