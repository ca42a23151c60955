import { createDecipheriv } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kcvOfPlaintext } from '../../server/drivers/hsm/hsm-codecs.ts';
import type { WrappedSecret } from '../../server/drivers/hsm/hsm-driver.ts';
import { Pkcs11HsmDriver, type Pkcs11HsmDriverOptions } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import { createTestSoftHsmToken, type TestSoftHsmToken } from '../helpers/softhsm-token.ts';
import { expectDriverError } from './hsm.contract.ts';

/**
 * Pkcs11HsmDriver's bulk helper processes on SoftHSM2: big generateWrappedSecrets batches run
 * beside the worker thread, and anything a helper cannot do ends up on the worker thread.
 */

/** Helper processes of this process (Linux /proc), by their command line. */
function helperPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && cmdline.includes('pkcs11-worker')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
const nodeUnwrap = (kek: Buffer, blob: Buffer) => {
  const c = createDecipheriv('id-aes256-wrap', kek, KW_IV);
  return Buffer.concat([c.update(blob), c.final()]);
};

describe('Pkcs11HsmDriver on SoftHSM2: bulk helper processes', () => {
  let t: TestSoftHsmToken;
  let d: Pkcs11HsmDriver | undefined;
  const kek = 'kek-bulk';

  beforeAll(async () => {
    t = await createTestSoftHsmToken('lw-bulk');
    const setup = new Pkcs11HsmDriver(t.driverOptions());
    await setup.open();
    await setup.createKek(kek);
    await setup.close();
  });
  afterEach(async () => {
    await d?.close();
    d = undefined;
  });
  afterAll(() => t.cleanup());

  async function openDriver(extra: Partial<Pkcs11HsmDriverOptions> = {}): Promise<Pkcs11HsmDriver> {
    d = new Pkcs11HsmDriver(t.driverOptions(extra));
    await d.open();
    return d;
  }

  /** The first big batch starts the helper (and runs on the worker thread); wait until it is up. */
  async function openWithHelper(): Promise<Pkcs11HsmDriver> {
    const driver = await openDriver();
    expect(helperPids()).toHaveLength(0);
    await driver.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 256 });
    await until(() => driver.bulkStatus.ready === 1, 'the helper process');
    return driver;
  }

  async function expectUnwrapsWithKcv(driver: Pkcs11HsmDriver, batch: WrappedSecret[]) {
    for (const { wrapped, kcv } of [batch[0]!, batch.at(-1)!]) {
      const secret = await driver.unwrapSecret({ kekLabel: kek, kind: 'aes-256-key', wrapped });
      expect(kcvOfPlaintext('aes-256-key', secret.expose())).toBe(kcv);
      secret.dispose();
    }
  }

  it('runs big batches on the helper beside the worker thread; every blob unwraps on the worker thread', async () => {
    const driver = await openWithHelper();
    expect(helperPids()).toHaveLength(1);
    const batches = await Promise.all(
      [300, 400, 500, 600].map((count) =>
        driver.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count }),
      ),
    );
    expect(batches.map((b) => b.length)).toEqual([300, 400, 500, 600]);
    expect(driver.bulkStatus).toMatchObject({ ready: 1, fallbacks: 0 });
    expect(driver.bulkStatus.calls).toBeGreaterThanOrEqual(1);
    const all = batches.flat().map((s) => s.wrapped.toString('hex'));
    expect(new Set(all).size).toBe(1800);
    for (const batch of batches) await expectUnwrapsWithKcv(driver, batch);
    // Small batches and every other call stay on the worker thread.
    const calls = driver.bulkStatus.calls;
    await Promise.all(
      [1, 2, 3].map(() => driver.generateWrappedSecrets({ kekLabel: kek, kind: 'random-32', count: 10 })),
    );
    expect(driver.bulkStatus.calls).toBe(calls);
    await driver.close();
    await until(() => helperPids().length === 0, 'the helper to exit');
  });

  it('hands a batch the helper cannot do (a session KEK only the worker thread has) to the worker thread', async () => {
    const driver = await openWithHelper();
    const value = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
    await driver.testHook({ kind: 'import-known-key', label: 'kek-session', type: 'aes-kek', value });
    // Two at once: the second one goes to the helper, which finds no such key.
    const batches = await Promise.all(
      [0, 1].map(() =>
        driver.generateWrappedSecrets({ kekLabel: 'kek-session', kind: 'aes-256-key', count: 300 }),
      ),
    );
    expect(driver.bulkStatus.fallbacks).toBe(1);
    for (const { wrapped, kcv } of batches.flat())
      expect(kcvOfPlaintext('aes-256-key', nodeUnwrap(value, wrapped))).toBe(kcv);
    // An error that is real for the worker thread too comes back as it is.
    await expectDriverError(
      Promise.all(
        [0, 1].map(() =>
          driver.generateWrappedSecrets({ kekLabel: 'kek-none', kind: 'aes-256-key', count: 300 }),
        ),
      ),
      'HSM_KEY_NOT_FOUND',
    );
  });

  it('finishes the batch of a helper that dies under it on the worker thread, and goes on without it', async () => {
    const driver = await openWithHelper();
    const [pid] = helperPids();
    const big = () => driver.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 5000 });
    const running = Promise.all([big(), big()]);
    await sleep(30);
    process.kill(pid!, 'SIGKILL');
    const batches = await running;
    expect(batches.map((b) => b.length)).toEqual([5000, 5000]);
    expect(driver.bulkStatus).toMatchObject({ ready: 0, fallbacks: 1 });
    await expectUnwrapsWithKcv(driver, batches[1]);
    const again = await Promise.all(
      [0, 1].map(() => driver.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 300 })),
    );
    expect(again.flat()).toHaveLength(600);
  });

  it('stops a helper batch on abort and keeps the helper', async () => {
    const driver = await openWithHelper();
    const controllers = [new AbortController(), new AbortController()];
    const running = controllers.map((c) =>
      driver.generateWrappedSecrets(
        { kekLabel: kek, kind: 'random-32', count: 50_000 },
        { signal: c.signal },
      ),
    );
    await sleep(50);
    for (const c of controllers) c.abort();
    for (const r of running) await expectDriverError(r, 'HSM_ABORTED');
    const calls = driver.bulkStatus.calls;
    const batches = await Promise.all(
      [0, 1].map(() => driver.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 300 })),
    );
    expect(batches.flat()).toHaveLength(600);
    expect(driver.bulkStatus).toMatchObject({ ready: 1, calls: calls + 1, fallbacks: 0 });
  });

  it('starts no helper with bulkProcesses: 0', async () => {
    const driver = await openDriver({ bulkProcesses: 0 });
    await Promise.all(
      [0, 1].map(() => driver.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 1000 })),
    );
    await sleep(200);
    expect(helperPids()).toHaveLength(0);
    expect(driver.bulkStatus).toEqual({ ready: 0, calls: 0, fallbacks: 0 });
  });
});
