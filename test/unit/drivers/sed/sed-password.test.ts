import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDriverError } from '../../../../server/drivers/core/driver-error.ts';
import { Secret } from '../../../../server/drivers/core/secret.ts';
import {
  passwordArgument,
  psidArgument,
  SED_PASSWORD_LENGTH,
  sedPasswordFromSecret,
} from '../../../../server/drivers/sed/sed-password.ts';
import { memorySedutil, referenceFleet } from '../../../helpers/sed-sim.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** An independent encoder: the 256-bit number, padded to 260 bits, in base 32, most significant first. */
function reference(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`) << 4n;
  let out = '';
  for (let i = 0; i < SED_PASSWORD_LENGTH; i++) {
    out = CROCKFORD[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

const text = (s: Secret) => s.expose().toString('ascii');

describe('sedPasswordFromSecret', () => {
  it('is Crockford base32 of the 32 bytes: 52 characters, no padding', () => {
    expect(text(sedPasswordFromSecret(new Secret(Buffer.alloc(32))))).toBe('0'.repeat(52));
    expect(text(sedPasswordFromSecret(new Secret(Buffer.alloc(32, 0xff))))).toBe(`${'Z'.repeat(51)}G`);
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(32);
      const pw = text(sedPasswordFromSecret(new Secret(Buffer.from(bytes))));
      expect(pw).toBe(reference(bytes));
      expect(pw).toMatch(/^[0-9A-HJKMNP-TV-Z]{52}$/);
    }
  });

  it('leaves the input alone and returns a disposable Secret', () => {
    const input = new Secret(randomBytes(32));
    const pw = sedPasswordFromSecret(input);
    expect(input.isDisposed).toBe(false);
    const bytes = pw.expose();
    pw.dispose();
    expect(bytes.every((b) => b === 0)).toBe(true);
  });

  it('refuses anything but 32 bytes', () => {
    for (const n of [0, 16, 31, 33, 64]) {
      expect(() => sedPasswordFromSecret(new Secret(Buffer.alloc(n)))).toThrow(
        expect.objectContaining({ code: 'SED_INVALID_ARGUMENT' }),
      );
    }
  });

  it('is a password stock sedutil-cli takes as typed (no -n): the simulator unlocks with it', async () => {
    const sim = memorySedutil(referenceFleet());
    const pw = text(sedPasswordFromSecret(new Secret(randomBytes(32))));
    expect((await sim.run('--initialSetup', pw, '/dev/sdc')).exitCode).toBe(0);
    expect((await sim.run('--setLockingRange', '0', 'RW', pw, '/dev/sdc')).stdout).toBe(
      'LockingRange0 set to RW\n',
    );
  });
});

describe('passwordArgument and psidArgument', () => {
  const rejects = (fn: () => unknown, reason: string) => {
    try {
      fn();
    } catch (e) {
      expect(isDriverError(e, 'SED_INVALID_ARGUMENT')).toBe(true);
      expect((e as { detail: { reason: string } }).detail.reason).toBe(reason);
      return;
    }
    throw new Error('expected a rejection');
  };

  it('takes 1..256 printable ASCII bytes', () => {
    expect(passwordArgument(new Secret(Buffer.from('a b~')), 'pw')).toBe('a b~');
    rejects(() => passwordArgument(new Secret(Buffer.alloc(0)), 'pw'), 'length');
    rejects(() => passwordArgument(new Secret(Buffer.alloc(257, 0x41)), 'pw'), 'length');
    rejects(() => passwordArgument(new Secret(Buffer.from('a\0b')), 'pw'), 'characters');
    rejects(() => passwordArgument(new Secret(Buffer.from('pässword')), 'pw'), 'characters');
    const gone = new Secret(Buffer.from('x'));
    gone.dispose();
    rejects(() => passwordArgument(gone, 'pw'), 'disposed');
  });

  it('normalises a PSID as printed on the label', () => {
    const label = 'abcd-efgh-1234-5678 ijkl-mnop-qrst-uvwx';
    expect(psidArgument(new Secret(Buffer.from(label)))).toBe('ABCDEFGH12345678IJKLMNOPQRSTUVWX');
    rejects(() => psidArgument(new Secret(Buffer.from('SHORT'))), 'format');
  });
});
