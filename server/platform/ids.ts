import { randomBytes } from 'node:crypto';

/** Identifier and token generation, injected for deterministic tests. */
export interface IdGen {
  uuid(): string;
  /** URL-safe random token with `bytes` bytes of entropy. */
  token(bytes: number): string;
}

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then 74 random bits. Time-ordered ids
 * land at the end of B-tree indexes, which keeps bulk inserts (10,000 keys per enrollment)
 * sequential instead of scattered, and sort in creation order.
 */
export function uuidv7(now = Date.now()): string {
  const b = Buffer.allocUnsafe(16);
  pooledRandom(10).copy(b, 6);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | ((b[6] as number) & 0x0f);
  b[8] = 0x80 | ((b[8] as number) & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * `n` (≤ 256) bytes from the CSPRNG, served from a pooled draw: one `randomBytes` call per 4 KiB
 * instead of one per id (a bulk enrollment makes two ids per cartridge). The bytes are copied
 * out and never handed out twice. For identifiers only; keys come from the HSM.
 */
export function pooledRandom(n: number): Buffer {
  if (n > 256) return randomBytes(n);
  if (poolOffset + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + n));
  pool.fill(0, poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

export const cryptoIds: IdGen = {
  uuid: () => uuidv7(),
  token: (bytes) => randomBytes(bytes).toString('base64url'),
};
