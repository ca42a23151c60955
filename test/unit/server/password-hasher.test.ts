import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST, PasswordHasher } from '../../../server/services/auth/password-hasher.ts';

describe('PasswordHasher', () => {
  it('uses a strong default cost and verifies its own records', async () => {
    expect(DEFAULT_SCRYPT_COST.N).toBeGreaterThanOrEqual(2 ** 15);
    const hasher = new PasswordHasher();
    const record = await hasher.hash('correct horse battery staple');
    expect(record).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hasher.verify('correct horse battery staple', record)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', record)).toBe(false);
  });

  it('salts every record and rejects malformed ones without throwing', async () => {
    const hasher = new PasswordHasher({ N: 1024, r: 8, p: 1 });
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
    for (const bad of ['', 'scrypt$1$2$3', 'bcrypt$x$y$z$a$b', 'scrypt$0$8$1$AAAA$BBBB']) {
      expect(await hasher.verify('same', bad)).toBe(false);
    }
  });

  it('verifies records made with an older cost after the default is raised', async () => {
    const old = await new PasswordHasher({ N: 1024, r: 8, p: 1 }).hash('pw-old-cost');
    expect(await new PasswordHasher().verify('pw-old-cost', old)).toBe(true);
  });
});
