import { createHash, pbkdf2, pbkdf2Sync } from 'node:crypto';
import { promisify } from 'node:util';
import type { SimIdentity } from './sim-types.ts';

const pbkdf2Async = promisify(pbkdf2);

/** DTA sedutil 1.20 / 1.49 password hashing (reference §4.1). */
export const DTA_HASH = { digest: 'sha1', iterations: 75_000, keyLength: 32 } as const;

/** sedutil reads at most this many bytes of a password argument. */
const MAX_PASSWORD_BYTES = 256;
/** `-n` sends the raw string truncated to this many bytes (reference §1.2). */
const NO_HASH_BYTES = 32;

/**
 * The salt sedutil uses: the 20-byte serial field as read (space padded); on the SAS path the
 * 8-byte T10 vendor id followed by 12 NULs (reference §4.1).
 */
export function saltOf(identity: SimIdentity): Buffer {
  if (identity.transport === 'sas') {
    return Buffer.concat([Buffer.from(identity.serial.padEnd(8).slice(0, 8), 'latin1'), Buffer.alloc(12)]);
  }
  return Buffer.from(identity.serial.padEnd(20).slice(0, 20), 'latin1');
}

function passwordBytes(password: string): Buffer {
  return Buffer.from(password, 'utf8').subarray(0, MAX_PASSWORD_BYTES);
}

/** The PIN a hashed credential argument becomes on the wire (`-n`: raw, truncated to 32 bytes). */
export function sedutilPinSync(password: string, salt: Buffer, noHash: boolean): Buffer {
  const bytes = passwordBytes(password);
  if (bytes.length === 0) return Buffer.alloc(0); // "" is sent as a zero-length PIN, never hashed
  if (noHash) return bytes.subarray(0, NO_HASH_BYTES);
  return pbkdf2Sync(bytes, salt, DTA_HASH.iterations, DTA_HASH.keyLength, DTA_HASH.digest);
}

/**
 * Hashes on libuv's thread pool (so parallel in-process commands overlap as separate processes
 * would), memoised per instance: tests hash the same few passwords hundreds of times.
 */
export class PinHasher {
  readonly #cache = new Map<string, Buffer>();

  async pin(password: string, salt: Buffer, noHash: boolean): Promise<Buffer> {
    const bytes = passwordBytes(password);
    if (bytes.length === 0) return Buffer.alloc(0);
    if (noHash) return bytes.subarray(0, NO_HASH_BYTES);
    const key = createHash('sha256').update(bytes).update('\0').update(salt).digest('hex');
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const pin = await pbkdf2Async(bytes, salt, DTA_HASH.iterations, DTA_HASH.keyLength, DTA_HASH.digest);
    if (this.#cache.size > 256) this.#cache.clear();
    this.#cache.set(key, pin);
    return pin;
  }
}
