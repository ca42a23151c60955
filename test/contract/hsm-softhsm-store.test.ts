import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSoftHsmToken } from '../../hardware-sims/hsm/softhsm.ts';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function tokensLabelled(confPath: string, label: string): Promise<number> {
  const { stdout } = await promisify(execFile)('softhsm2-util', ['--show-slots'], {
    env: { ...process.env, SOFTHSM2_CONF: confPath },
  });
  return [...stdout.matchAll(/^\s*Label:\s*(.*?)\s*$/gm)].filter((m) => m[1] === label).length;
}

/** The isolated SoftHSM2 token store of hardware-sims/hsm/softhsm.ts. */
describe('ensureSoftHsmToken', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lw-softhsm-store-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('creates a private store with its own config and generated PINs', async () => {
    const dir = join(root, 'a');
    const token = await ensureSoftHsmToken({ dir, tokenLabel: 'store-a' });
    expect(token).toMatchObject({
      tokenLabel: 'store-a',
      confPath: join(dir, 'softhsm2.conf'),
      env: { SOFTHSM2_CONF: join(dir, 'softhsm2.conf') },
    });
    expect(token.modulePath).toMatch(/libsofthsm2\.so$/);
    const conf = await readFile(token.confPath, 'utf8');
    for (const line of [
      `directories.tokendir = ${join(dir, 'tokens')}`,
      'objectstore.backend = file',
      'log.level = ERROR',
      'slots.removable = false',
    ])
      expect(conf).toContain(line);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'tokens'))).toBe(0o700);
    for (const f of [token.pinFile, token.soPinFile, token.confPath]) expect(await mode(f)).toBe(0o600);
    const [pin, soPin] = [await readFile(token.pinFile, 'utf8'), await readFile(token.soPinFile, 'utf8')];
    expect(pin).toMatch(/^[\w-]{24}$/);
    expect(soPin).not.toBe(pin);
    expect(await tokensLabelled(token.confPath, 'store-a')).toBe(1);
  });

  it('is idempotent: a second call reuses the token and its PIN', async () => {
    const dir = join(root, 'b');
    const first = await ensureSoftHsmToken({ dir, tokenLabel: 'store-b' });
    const pin = await readFile(first.pinFile, 'utf8');
    const second = await ensureSoftHsmToken({ dir, tokenLabel: 'store-b' });
    expect(second).toEqual(first);
    expect(await readFile(second.pinFile, 'utf8')).toBe(pin);
    expect(await tokensLabelled(first.confPath, 'store-b')).toBe(1);
  });

  it('creates exactly one token when two callers race on a fresh directory', async () => {
    const dir = join(root, 'c');
    const [x, y] = await Promise.all([
      ensureSoftHsmToken({ dir, tokenLabel: 'store-c' }),
      ensureSoftHsmToken({ dir, tokenLabel: 'store-c' }),
    ]);
    expect(x).toEqual(y);
    expect(await tokensLabelled(x.confPath, 'store-c')).toBe(1);
  });

  it('rejects a label SoftHSM cannot hold', async () => {
    await expect(ensureSoftHsmToken({ dir: join(root, 'd'), tokenLabel: 'x'.repeat(33) })).rejects.toThrow(
      /1-32/,
    );
  });
});
