import { Pkcs11HsmDriver } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import { readPinFile } from '../../server/drivers/hsm/pin-file.ts';
import { Secret } from '../../server/drivers/core/secret.ts';
import { pkcs11Hooks } from './hsm-pkcs11-hooks.ts';
import { describeHsmContract } from './hsm.contract.ts';

/**
 * The same contract against a real PKCS#11 module:
 *   LOCKWARDEN_TEST_PKCS11_MODULE=/opt/vendor/lib/libpkcs11.so
 *   LOCKWARDEN_TEST_PKCS11_TOKEN=<token label>  LOCKWARDEN_TEST_PKCS11_PIN_FILE=<0600 file>
 * Keys are created under unique `lwtest:` labels and destroyed afterwards. The wrong-PIN test
 * spends a real PIN retry, so it only runs with LOCKWARDEN_TEST_PKCS11_ALLOW_WRONG_PIN=1.
 */
const env = process.env;
const modulePath = env['LOCKWARDEN_TEST_PKCS11_MODULE'];
const tokenLabel = env['LOCKWARDEN_TEST_PKCS11_TOKEN'];
const pinFile = env['LOCKWARDEN_TEST_PKCS11_PIN_FILE'];
const missing = !modulePath
  ? 'set LOCKWARDEN_TEST_PKCS11_MODULE to run'
  : !tokenLabel || !pinFile
    ? 'set LOCKWARDEN_TEST_PKCS11_TOKEN and LOCKWARDEN_TEST_PKCS11_PIN_FILE to run'
    : undefined;

describeHsmContract({
  name: `Pkcs11HsmDriver on ${modulePath ?? 'a hardware PKCS#11 module'}`,
  ...(missing ? { skipReason: missing } : {}),
  setup() {
    const base = { modulePath: modulePath!, tokenLabel: tokenLabel!, enableTestHooks: true };
    const wrongPin = env['LOCKWARDEN_TEST_PKCS11_ALLOW_WRONG_PIN'] === '1';
    return Promise.resolve({
      createDriver: (opts = {}) =>
        new Pkcs11HsmDriver({ ...base, ...opts, pin: () => readPinFile(pinFile!) }),
      ...(wrongPin
        ? {
            createWrongPinDriver: () => {
              const pin = 'wrong-pin-314159';
              return { driver: new Pkcs11HsmDriver({ ...base, pin: new Secret(Buffer.from(pin)) }), pin };
            },
          }
        : {}),
      hooks: pkcs11Hooks,
    });
  },
});
