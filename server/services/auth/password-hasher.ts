import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export interface ScryptCost {
  /** CPU/memory cost, a power of two. 2^15 with r=8 uses 32 MiB and ~60 ms per hash here. */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

/**
 * scrypt password records, self-describing (`scrypt$N$r$p$salt$hash`, base64url) so that the
 * cost can be raised later and old records still verify. Runs on libuv's thread pool.
 */
export class PasswordHasher {
  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {}

  async hash(password: string): Promise<string> {
    const { N, r, p } = this.cost;
    const salt = randomBytes(16);
    const key = await scryptAsync(password.normalize('NFKC'), salt, 32, { N, r, p, maxmem: 256 * N * r });
    return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(password: string, record: string): Promise<boolean> {
    const parts = record.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
    const salt = Buffer.from(parts[4] ?? '', 'base64url');
    const expected = Buffer.from(parts[5] ?? '', 'base64url');
    if (!N || !r || !p || expected.length !== 32) return false;
    const key = await scryptAsync(password.normalize('NFKC'), salt, 32, { N, r, p, maxmem: 256 * N * r });
    return timingSafeEqual(key, expected);
  }

  /** A valid record for a random password: verify against it when the user does not exist. */
  async dummyRecord(): Promise<string> {
    return this.hash(randomBytes(16).toString('hex'));
  }
}
