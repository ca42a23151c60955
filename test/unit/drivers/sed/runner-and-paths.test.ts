import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriverError, type DriverErrorCode } from '../../../../server/drivers/core/driver-error.ts';
import { ExecFileRunner } from '../../../../server/drivers/sed/command-runner.ts';
import { canonicalDevicePath } from '../../../../server/drivers/sed/device-path.ts';
import { DriveQueue } from '../../../../server/drivers/sed/drive-queue.ts';
import { rangeArgument, sedutilArgv } from '../../../../server/drivers/sed/sedutil-argv.ts';

async function rejection(p: Promise<unknown>, code: DriverErrorCode): Promise<DriverError> {
  const err = await p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriverError);
  expect((err as DriverError).code).toBe(code);
  return err as DriverError;
}

const node = (script: string, extra: string[] = []) => [process.execPath, ['-e', script, ...extra]] as const;

describe('ExecFileRunner', () => {
  const runner = new ExecFileRunner();

  it('passes arguments without a shell, in a minimal environment with LC_ALL=C', async () => {
    const marker = join(tmpdir(), `lw-no-shell-${process.pid}`);
    process.env['LW_TEST_SHOULD_NOT_LEAK'] = 'leak';
    const [file, args] = node(
      'console.log(JSON.stringify({ argv: process.argv.slice(1), env: process.env }))',
      [`$(touch ${marker})`, '; rm -rf /'],
    );
    const r = await runner.run(file, args, { timeoutMs: 10_000, env: { LOCKWARDEN_SED_SIM_STATE: '/x' } });
    const out = JSON.parse(r.stdout) as { argv: string[]; env: Record<string, string> };
    expect(out.argv).toEqual([`$(touch ${marker})`, '; rm -rf /']);
    expect(existsSync(marker)).toBe(false);
    expect(out.env).toMatchObject({ LC_ALL: 'C', LOCKWARDEN_SED_SIM_STATE: '/x' });
    expect(out.env['LW_TEST_SHOULD_NOT_LEAK']).toBeUndefined();
  });

  it('resolves with any exit code and both streams', async () => {
    const [file, args] = node('process.stdout.write("out"); process.stderr.write("err"); process.exit(18)');
    expect(await runner.run(file, args, { timeoutMs: 10_000 })).toEqual({
      exitCode: 18,
      stdout: 'out',
      stderr: 'err',
    });
  });

  it('kills at the timeout, caps output, honours abort, and names a missing binary, never echoing argv', async () => {
    const [file, sleepArgs] = node('setTimeout(() => {}, 10000)');
    const t = await rejection(runner.run(file, sleepArgs, { timeoutMs: 200 }), 'SED_TIMEOUT');
    expect(t.detail).toMatchObject({ timeoutMs: 200 });
    const [, loud] = node('process.stdout.write("x".repeat(100000))');
    const cap = await rejection(
      runner.run(file, loud, { timeoutMs: 10_000, maxOutputBytes: 1000 }),
      'SED_COMMAND_FAILED',
    );
    expect(cap.detail['reason']).toBe('output-too-large');
    const ac = new AbortController();
    const running = runner.run(file, sleepArgs, { timeoutMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await rejection(running, 'SED_ABORTED');
    const missing = await rejection(
      runner.run('/nonexistent/sedutil-cli', ['--takeOwnership', 'hunter2', '/dev/sda'], { timeoutMs: 1000 }),
      'SED_TOOL_UNAVAILABLE',
    );
    expect(`${missing.message} ${JSON.stringify(missing.detail)}`).not.toContain('hunter2');
    expect(missing.cause).toBeUndefined();
  });
});

describe('canonicalDevicePath', () => {
  const links: Record<string, string> = {
    '/dev/disk/by-id/ata-Samsung_SSD_860_EVO_1TB_S3Z9': '/dev/sdb',
    '/dev/disk/by-id/nvme-eui.0025': '/dev/nvme0n1',
    '/dev/disk/by-id/dm-name-root': '/dev/dm-0',
    '/dev/sda1': '/dev/sda1',
    '/dev/vda': '/dev/vda',
    '/dev/sdb': '/dev/sdb',
  };
  const resolve = (p: string) =>
    links[p]
      ? Promise.resolve(links[p])
      : Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));

  it('resolves symlinks to /dev/sdX, /dev/nvmeN or /dev/nvmeNnM', async () => {
    expect(await canonicalDevicePath('/dev/disk/by-id/ata-Samsung_SSD_860_EVO_1TB_S3Z9', resolve)).toBe(
      '/dev/sdb',
    );
    expect(await canonicalDevicePath('/dev/disk/by-id/nvme-eui.0025', resolve)).toBe('/dev/nvme0n1');
    expect(await canonicalDevicePath('/dev/sdb', resolve)).toBe('/dev/sdb');
  });

  it('refuses partitions, device-mapper, virtio and relative paths; a missing path is not found', async () => {
    for (const p of ['/dev/disk/by-id/dm-name-root', '/dev/sda1', '/dev/vda', 'sda', '../dev/sda']) {
      await rejection(canonicalDevicePath(p, resolve), 'SED_INVALID_ARGUMENT');
    }
    await rejection(canonicalDevicePath('/dev/sdq', resolve), 'SED_DEVICE_NOT_FOUND');
  });
});

describe('DriveQueue', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('serialises one drive in FIFO order, runs different drives in parallel up to the limit', async () => {
    const q = new DriveQueue(2);
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await tick(ms);
      log.push(`${name}-`);
    };
    await Promise.all([
      q.run('a', job('a1', 30)),
      q.run('a', job('a2', 10)),
      q.run('b', job('b1', 10)),
      q.run('c', job('c1', 10)),
    ]);
    expect(log.indexOf('a1-')).toBeLessThan(log.indexOf('a2+'));
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-')); // b ran beside a
    expect(log.indexOf('c1+')).toBeGreaterThan(log.indexOf('b1-')); // limit 2: c waited for a slot
  });

  it('drops a waiting call on abort without letting the next one overtake the running one', async () => {
    const q = new DriveQueue(4);
    const log: string[] = [];
    const first = q.run('a', async () => {
      await tick(50);
      log.push('first');
    });
    const ac = new AbortController();
    const second = q.run('a', () => Promise.resolve(log.push('second')), ac.signal);
    const third = q.run('a', () => Promise.resolve(log.push('third')));
    ac.abort();
    await rejection(second, 'SED_ABORTED');
    await Promise.all([first, third]);
    expect(log).toEqual(['first', 'third']);
  });

  it('close() rejects what waits and lets what runs finish', async () => {
    const q = new DriveQueue(1);
    const running = q.run('a', () => tick(30).then(() => 'done'));
    const waiting = q.run('b', () => Promise.resolve('never'));
    await tick(5); // `running` holds the only slot, `waiting` waits for it
    const closing = q.close();
    await rejection(waiting, 'SED_CLOSED');
    expect(await running).toBe('done');
    await closing;
    await rejection(
      q.run('c', () => Promise.resolve(1)),
      'SED_CLOSED',
    );
  });
});

describe('sedutil argv', () => {
  it('puts the action first and the device last, with ranges 0..15 only', () => {
    expect(sedutilArgv.setLockingRange(0, 'LK', 'pw', '/dev/sda').args).toEqual([
      '--setLockingRange',
      '0',
      'LK',
      'pw',
      '/dev/sda',
    ]);
    expect(sedutilArgv.psidRevert('PSID', '/dev/sda').action).toBe(
      'yesIreallywanttoERASEALLmydatausingthePSID',
    );
    for (const r of [-1, 16, 1.5, NaN]) expect(() => rangeArgument(r)).toThrow(/0\.\.15/);
    expect(() => sedutilArgv.setupLockingRange(0, 0, 10, 'pw', '/dev/sda')).toThrow(/1\.\.15/);
    expect(() => sedutilArgv.setupLockingRange(1, -5, 10, 'pw', '/dev/sda')).toThrow(/startLba/);
  });
});
