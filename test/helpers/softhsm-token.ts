import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSoftHsmToken, type SoftHsmToken } from '../../hardware-sims/hsm/softhsm.ts';
import type { Pkcs11HsmDriverOptions } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import { readPinFile } from '../../server/drivers/hsm/pin-file.ts';

/**
 * A fresh SoftHSM2 token store per test file, in its own temp dir. Never shared between
 * parallel Vitest workers: SoftHSM 2.6.1 rewrites token.object on every login without a flush,
 * and a process starting at that moment sees no token (reference §1, upstream #578).
 */
export interface TestSoftHsmToken extends SoftHsmToken {
  dir: string;
  driverOptions(extra?: Partial<Pkcs11HsmDriverOptions>): Pkcs11HsmDriverOptions;
  cleanup(): Promise<void>;
}

export async function createTestSoftHsmToken(tokenLabel = 'lw-test'): Promise<TestSoftHsmToken> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-softhsm-'));
  const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel });
  return {
    ...token,
    dir,
    driverOptions: (extra = {}) => ({
      modulePath: token.modulePath,
      tokenLabel: token.tokenLabel,
      pin: () => readPinFile(token.pinFile),
      env: token.env,
      enableTestHooks: true,
      ...extra,
    }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
