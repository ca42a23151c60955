import { execFile } from 'node:child_process';
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../server/drivers/core/secret.ts';
import { Pkcs11HsmDriver } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import { createTestSoftHsmToken, type TestSoftHsmToken } from '../helpers/softhsm-token.ts';
import { pkcs11Hooks } from './hsm-pkcs11-hooks.ts';
import { describeHsmContract, expectDriverError } from './hsm.contract.ts';

/** The real Pkcs11HsmDriver against SoftHSM2, in a token store of this file's own. Always runs. */
let token: TestSoftHsmToken | undefined;

describeHsmContract({
  name: 'Pkcs11HsmDriver on SoftHSM2',
  async setup() {
    token = await createTestSoftHsmToken('lw-contract');
    const t = token;
    return {
      createDriver: (opts) => new Pkcs11HsmDriver(t.driverOptions(opts)),
      createWrongPinDriver: () => {
        const pin = 'wrong-pin-314159';
        return { driver: new Pkcs11HsmDriver(t.driverOptions({ pin: new Secret(Buffer.from(pin)) })), pin };
      },
      hooks: {
        ...pkcs11Hooks,
        // A token whose directory vanishes is what a pulled token looks like to SoftHSM.
        async removeToken() {
          const tokens = join(t.confPath, '..', 'tokens');
          const [uuid] = await readdir(tokens);
          const away = join(t.dir, `removed-${uuid}`);
          await rename(join(tokens, uuid!), away);
          return () => rename(away, join(tokens, uuid!));
        },
      },
    };
  },
  teardown: () => token?.cleanup() ?? Promise.resolve(),
});

describe('Pkcs11HsmDriver on SoftHSM2: the whole token store vanishes', () => {
  it('re-initialising fails with a retryable HSM_DEVICE_REMOVED; the driver recovers once the store is back', async () => {
    const t = await createTestSoftHsmToken('lw-vanish');
    const d = new Pkcs11HsmDriver(t.driverOptions());
    try {
      await d.open();
      await d.createKek('kek');
      const tokens = join(t.confPath, '..', 'tokens');
      await rename(tokens, `${tokens}-away`);
      // The KEK handle goes stale, the token stops answering, and re-initialising fails too
      // (SoftHSM cannot enumerate its object store).
      const batch = { kekLabel: 'kek', kind: 'random-32' as const, count: 3 };
      const err = await expectDriverError(d.generateWrappedSecrets(batch), 'HSM_DEVICE_REMOVED');
      expect(err.message).toBe('the module no longer initialises');
      expect(err.retryable).toBe(true);
      await rename(`${tokens}-away`, tokens);
      expect(await d.generateWrappedSecrets({ kekLabel: 'kek', kind: 'random-32', count: 3 })).toHaveLength(
        3,
      );
    } finally {
      await d.close();
      await t.cleanup();
    }
  });
});

describe('Pkcs11HsmDriver on SoftHSM2: module and token lookup', () => {
  let t: TestSoftHsmToken;
  beforeAll(async () => {
    t = await createTestSoftHsmToken('lw-lookup');
  });
  afterAll(() => t.cleanup());

  it('names a missing or unloadable module, and a missing token', async () => {
    const missing = new Pkcs11HsmDriver(t.driverOptions({ modulePath: '/nonexistent/libpkcs11.so' }));
    await expectDriverError(missing.open(), 'HSM_MODULE_LOAD_FAILED');
    const notALibrary = new Pkcs11HsmDriver(t.driverOptions({ modulePath: t.pinFile }));
    const err = await expectDriverError(notALibrary.open(), 'HSM_MODULE_LOAD_FAILED');
    expect(JSON.stringify(err.detail)).not.toContain(await readFile(t.pinFile, 'utf8'));
    await expectDriverError(
      new Pkcs11HsmDriver(t.driverOptions({ tokenLabel: 'no-such-token' })).open(),
      'HSM_TOKEN_NOT_FOUND',
    );
  });

  it('allows one driver per module in a process (a second C_Initialize from another thread crashes SoftHSM)', async () => {
    const first = new Pkcs11HsmDriver(t.driverOptions());
    await first.open();
    try {
      await expectDriverError(new Pkcs11HsmDriver(t.driverOptions()).open(), 'HSM_MODULE_BUSY');
    } finally {
      await first.close();
    }
    const second = new Pkcs11HsmDriver(t.driverOptions());
    await second.open();
    await second.close();
  });

  it('refuses a token label that two tokens share (HSM_TOKEN_AMBIGUOUS)', async () => {
    const script = fileURLToPath(new URL('../../hardware-sims/hsm/init-token.mjs', import.meta.url));
    await promisify(execFile)(
      process.execPath,
      [script, t.modulePath, t.tokenLabel, t.soPinFile, t.pinFile],
      {
        env: { ...process.env, ...t.env },
      },
    );
    const err = await expectDriverError(new Pkcs11HsmDriver(t.driverOptions()).open(), 'HSM_TOKEN_AMBIGUOUS');
    expect(err.detail).toMatchObject({ tokenLabel: 'lw-lookup', count: 2 });
  });
});
