import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret } from '../../server/drivers/core/secret.ts';
import { Pkcs11HsmDriver } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import { createTestSoftHsmToken, type TestSoftHsmToken } from '../helpers/softhsm-token.ts';
import { pkcs11Hooks } from './hsm-pkcs11-hooks.ts';
import { describeHsmContract } from './hsm.contract.ts';

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
