import { DriverError } from '../core/driver-error.ts';
import { Secret } from '../core/secret.ts';

/** Crockford's base32: digits and upper-case letters without I, L, O, U (nothing to misread). */
const ALPHABET = Buffer.from('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 'ascii');

/** Length of the password text of a 32-byte credential: ceil(256 / 5). */
export const SED_PASSWORD_LENGTH = 52;

/**
 * THE conversion from a console-managed SED credential (32 random bytes from the HSM) to the
 * password sedutil-cli takes, also what break-glass shows an operator:
 *
 *   Crockford base32 of the 32 bytes, big-endian bit order, no padding, no separators:
 *   52 characters of [0-9A-HJKMNP-TV-Z], e.g. `7M3K…Q0` (256 bits of entropy).
 *
 * Why: sedutil takes passwords as argv strings and PBKDF2-hashes their bytes (up to 256) with
 * the drive serial, so the string must survive a shell and a keyboard: no quoting needed, no
 * case or 0/O, 1/I/L ambiguity, short enough to type. Stock sedutil-cli 1.20/1.49 accepts it
 * unchanged (`sedutil-cli --setLockingRange 0 RW <password> /dev/sdX`), without `-n`; the
 * ChubbyAnt fork hashes differently, so a drive keeps the tool variant it was enrolled with.
 * The bytes of the result are zeroed by its `dispose()`; the input is not disposed.
 */
export function sedPasswordFromSecret(secret: Secret): Secret {
  const bytes = secret.expose();
  if (bytes.length !== 32) {
    throw new DriverError('SED_INVALID_ARGUMENT', 'an SED credential is 32 bytes', {
      detail: { length: bytes.length },
    });
  }
  const out = Buffer.alloc(SED_PASSWORD_LENGTH);
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out[j++] = ALPHABET[(acc >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out[j] = ALPHABET[(acc << (5 - bits)) & 31]!;
  return new Secret(out);
}

/**
 * The argv string of a password Secret, after checking what sedutil can take: 1..256 printable
 * ASCII bytes (argv cannot carry NUL; non-ASCII would depend on the locale of whoever retypes it).
 */
export function passwordArgument(secret: Secret, field: string): string {
  if (secret.isDisposed) throw invalid(field, 'disposed');
  const bytes = secret.expose();
  if (bytes.length < 1 || bytes.length > 256) throw invalid(field, 'length');
  for (const b of bytes) if (b < 0x20 || b > 0x7e) throw invalid(field, 'characters');
  return bytes.toString('latin1');
}

/** The PSID as sedutil needs it: no dashes or spaces, upper case, 32 of [0-9A-Z] (reference §8). */
export function psidArgument(secret: Secret): string {
  if (secret.isDisposed) throw invalid('psid', 'disposed');
  const psid = secret.expose().toString('latin1').replace(/[-\s]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{32}$/.test(psid)) throw invalid('psid', 'format');
  return psid;
}

function invalid(field: string, reason: string): DriverError {
  return new DriverError('SED_INVALID_ARGUMENT', `${field} is not a valid sedutil password (${reason})`, {
    detail: { field, reason },
  });
}
