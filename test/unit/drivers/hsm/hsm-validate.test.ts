import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverError } from '../../../../server/drivers/core/driver-error.ts';
import * as v from '../../../../server/drivers/hsm/hsm-validate.ts';
import { readPinFile } from '../../../../server/drivers/hsm/pin-file.ts';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return err instanceof DriverError ? err.code : 'not a DriverError';
  }
  return 'no error';
};

describe('input validation shared by HsmDriver implementations', () => {
  it('accepts the label scheme of the key services', () => {
    for (const label of [
      'lw:kek:sed-fleet:v1',
      'lw:audit-seal:v1',
      'a',
      'lwtest:1234abcd:kek-rot-random-32-v2',
    ])
      expect(codeOf(() => v.assertLabel(label))).toBe('no error');
  });

  it.each(['', ' lead', 'has space', 'tab\there', 'ünïcode', 'x'.repeat(101), ':leading-colon'])(
    'rejects label %j',
    (label) => {
      expect(codeOf(() => v.assertLabel(label))).toBe('HSM_INVALID_ARGUMENT');
    },
  );

  it('bounds batch sizes, random lengths and data', () => {
    expect(codeOf(() => v.assertBatchSize(v.MAX_BATCH_SIZE, 'count'))).toBe('no error');
    for (const n of [0, -3, 2.5, Number.NaN, v.MAX_BATCH_SIZE + 1, '10'])
      expect(codeOf(() => v.assertBatchSize(n, 'count'))).toBe('HSM_INVALID_ARGUMENT');
    expect(codeOf(() => v.assertRandomLength(v.MAX_RANDOM_BYTES + 1))).toBe('HSM_INVALID_ARGUMENT');
    expect(codeOf(() => v.assertData('text'))).toBe('HSM_INVALID_ARGUMENT');
    expect(codeOf(() => v.assertData(Buffer.alloc(v.MAX_DATA_BYTES + 1)))).toBe('HSM_INVALID_ARGUMENT');
  });

  it('calls a blob of the wrong length a bad wrapped key, naming its index', () => {
    expect(codeOf(() => v.assertWrappedBlob(Buffer.alloc(40)))).toBe('no error');
    expect(codeOf(() => v.assertWrappedBlob('00'.repeat(40)))).toBe('HSM_INVALID_ARGUMENT');
    try {
      v.assertWrappedBlob(Buffer.alloc(48), 7);
    } catch (err) {
      expect((err as DriverError).code).toBe('HSM_WRAPPED_KEY_INVALID');
      expect((err as DriverError).detail).toEqual({ reason: 'length', length: 48, index: 7 });
    }
  });
});

describe('readPinFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-pin-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a 0600 file and strips one trailing newline', async () => {
    const path = join(dir, 'ok.pin');
    await writeFile(path, '1234-secret\r\n', { mode: 0o600 });
    const pin = await readPinFile(path);
    expect(pin.expose().toString()).toBe('1234-secret');
    expect(String(pin)).toBe('[secret]');
  });

  it('refuses a file others can read, an empty file and a missing one, without quoting the content', async () => {
    const open = join(dir, 'open.pin');
    await writeFile(open, 'leaky-pin');
    await chmod(open, 0o644);
    const err = (await readPinFile(open).catch((e: unknown) => e)) as DriverError;
    expect(err).toBeInstanceOf(DriverError);
    expect(`${err.message}${JSON.stringify(err.detail)}`).not.toContain('leaky-pin');
    const empty = join(dir, 'empty.pin');
    await writeFile(empty, '\n', { mode: 0o600 });
    await expect(readPinFile(empty)).rejects.toThrow(/empty/);
    await expect(readPinFile(join(dir, 'missing.pin'))).rejects.toThrow(/does not exist/);
  });
});
