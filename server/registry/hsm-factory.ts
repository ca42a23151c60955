import path from 'node:path';
import { ensureSoftHsmToken } from '../../hardware-sims/hsm/softhsm.ts';
import { ConfigError, type Config } from '../config.ts';
import { isDriverError } from '../drivers/core/driver-error.ts';
import { readPinFile } from '../drivers/hsm/pin-file.ts';
import type { HsmDriver } from '../drivers/hsm/hsm-driver.ts';
import { Pkcs11HsmDriver } from '../drivers/hsm/pkcs11-hsm-driver.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Builds and opens the configured HSM driver. `softhsm` (the default) keeps an isolated token
 * store under the data directory, created with generated PINs on first start; `pkcs11` uses a
 * vendor module with the PIN read from a file, never from the command line.
 */
export async function openHsm(config: Config, logger: Logger): Promise<HsmDriver> {
  const hsm = config.drivers.hsm;
  let driver: Pkcs11HsmDriver;
  if (hsm.kind === 'softhsm') {
    const token = await ensureSoftHsmToken({
      dir: path.join(config.dataDir, 'hsm'),
      tokenLabel: hsm.tokenLabel,
    });
    driver = new Pkcs11HsmDriver({
      modulePath: hsm.modulePath ?? token.modulePath,
      tokenLabel: token.tokenLabel,
      pin: () => readPinFile(token.pinFile),
      env: { SOFTHSM2_CONF: token.confPath },
      logger: logger.child({ component: 'hsm' }),
    });
  } else {
    if (!hsm.modulePath || !hsm.pinFile) {
      throw new ConfigError(
        'Invalid configuration, nothing was started:\n  drivers.hsm.modulePath and drivers.hsm.pinFile are required when drivers.hsm.kind is pkcs11',
      );
    }
    driver = new Pkcs11HsmDriver({
      modulePath: hsm.modulePath,
      tokenLabel: hsm.tokenLabel,
      pin: () => readPinFile(hsm.pinFile as string),
      logger: logger.child({ component: 'hsm' }),
    });
  }
  // SoftHSM 2.6.1 rewrites token.object non-atomically on every login, so a process starting at
  // the same moment as another one (the CLI beside the console) can miss the token: retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await driver.open({ timeoutMs: 30_000 });
      return driver;
    } catch (err) {
      if (attempt >= 4 || !isDriverError(err) || !(err.retryable || err.code === 'HSM_TOKEN_NOT_FOUND'))
        throw err;
      logger.warn({ attempt, code: err.code }, 'HSM not ready; retrying');
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
}
