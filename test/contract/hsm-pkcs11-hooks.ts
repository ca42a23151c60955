import { DriverError } from '../../server/drivers/core/driver-error.ts';
import type { HsmDriver } from '../../server/drivers/hsm/hsm-driver.ts';
import { Pkcs11HsmDriver } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import type { TestHook } from '../../server/drivers/hsm/pkcs11-protocol.ts';
import type { HsmContractHooks } from './hsm.contract.ts';

/** Contract hooks for Pkcs11HsmDriver, through its worker-side test hooks. */
function hook(d: HsmDriver, h: TestHook): Promise<unknown> {
  if (!(d instanceof Pkcs11HsmDriver)) throw new Error('not a Pkcs11HsmDriver');
  return d.testHook(h);
}

export const pkcs11Hooks: HsmContractHooks = {
  async probeValueReadable(d, label) {
    const r = (await hook(d, { kind: 'probe-value', label })) as { readable: boolean };
    return r.readable;
  },
  async importKnownKey(d, label, type, value) {
    await hook(d, { kind: 'import-known-key', label, type, value: new Uint8Array(value) });
  },
  async invalidateSession(d, how) {
    await hook(d, { kind: how });
  },
  async injectFault(d, fault) {
    await hook(d, { kind: 'fail-next', ...fault });
  },
};

/** True when a known-answer key could not be imported because the HSM forbids it (FIPS mode). */
export function importRefused(err: unknown): boolean {
  return err instanceof DriverError && err.code !== 'HSM_CLOSED' && err.code.startsWith('HSM_');
}
