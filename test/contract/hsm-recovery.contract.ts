import { beforeAll, describe, expect, it } from 'vitest';
import type { HsmDriver } from '../../server/drivers/hsm/hsm-driver.ts';
import { expectDriverError, type HsmContractContext } from './hsm.contract.ts';

const CKR_DEVICE_ERROR = 0x30;
const CKR_DEVICE_REMOVED = 0x32;
const CKR_SESSION_HANDLE_INVALID = 0xb3;
const CKR_TOKEN_NOT_PRESENT = 0xe0;
const CKR_USER_NOT_LOGGED_IN = 0x101;

const recoveries = async (d: HsmDriver) => (await d.getStatus()).counters.recoveries;

/** Lost sessions, logouts and removed tokens: healed once per call, or a clear retryable error. */
export function describeRecoveryContract(ctx: HsmContractContext): void {
  describe('recovery', () => {
    let kek = '';
    beforeAll(async () => {
      kek = ctx.label('kek-recovery');
      await (await ctx.driver()).createKek(kek);
    });

    /** A batch that needs the KEK handle, the session and the login all at once. */
    async function roundTrip(d: HsmDriver): Promise<void> {
      const batch = await d.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 20 });
      const secret = await d.unwrapSecret({
        kekLabel: kek,
        kind: 'aes-256-key',
        wrapped: batch[19]!.wrapped,
      });
      expect(secret.expose()).toHaveLength(32);
      secret.dispose();
    }

    it.for(['close-all-sessions', 'logout'] as const)(
      'heals %s under it transparently (re-login, fresh key handles)',
      async (how, t) => {
        const { invalidateSession } = ctx.target().hooks;
        if (!invalidateSession) return t.skip('needs the invalidate-session hook');
        const d = await ctx.driver();
        const before = await recoveries(d);
        await invalidateSession(d, how);
        await roundTrip(d);
        expect(await recoveries(d)).toBe(before + 1);
      },
    );

    it.for([
      ['CKR_DEVICE_REMOVED', CKR_DEVICE_REMOVED],
      ['CKR_TOKEN_NOT_PRESENT', CKR_TOKEN_NOT_PRESENT],
      ['CKR_SESSION_HANDLE_INVALID', CKR_SESSION_HANDLE_INVALID],
      ['CKR_USER_NOT_LOGGED_IN', CKR_USER_NOT_LOGGED_IN],
    ] as const)('recovers once from %s in the middle of a batch', async ([, ckr], t) => {
      const { injectFault } = ctx.target().hooks;
      if (!injectFault) return t.skip('needs the fault-injection hook');
      const d = await ctx.driver();
      const before = await recoveries(d);
      await injectFault(d, { ckr, count: 1, fn: 'C_WrapKey' });
      await roundTrip(d);
      expect(await recoveries(d)).toBe(before + 1);
    });

    it('gives a clear retryable error when the failure persists after the one retry', async (t) => {
      const { injectFault } = ctx.target().hooks;
      if (!injectFault) return t.skip('needs the fault-injection hook');
      const d = await ctx.driver();
      await injectFault(d, { ckr: CKR_DEVICE_REMOVED, count: 2, fn: 'C_WrapKey' });
      const err = await expectDriverError(
        d.generateWrappedSecrets({ kekLabel: kek, kind: 'random-32', count: 5 }),
        'HSM_DEVICE_REMOVED',
      );
      expect(err.retryable).toBe(true);
      expect(err.detail).toMatchObject({ ckr: CKR_DEVICE_REMOVED, ckrName: 'CKR_DEVICE_REMOVED' });
      await roundTrip(d);
    });

    it('does not retry an error that recovery cannot fix', async (t) => {
      const { injectFault } = ctx.target().hooks;
      if (!injectFault) return t.skip('needs the fault-injection hook');
      const d = await ctx.driver();
      const before = await recoveries(d);
      await injectFault(d, { ckr: CKR_DEVICE_ERROR, count: 1, fn: 'C_GenerateKey' });
      const err = await expectDriverError(
        d.generateWrappedSecrets({ kekLabel: kek, kind: 'random-32', count: 5 }),
        'HSM_DEVICE_ERROR',
      );
      expect(err.detail['ckrName']).toBe('CKR_DEVICE_ERROR');
      expect(await recoveries(d)).toBe(before);
    });

    it('reports a removed token as retryable HSM_DEVICE_REMOVED, and works again once it is back', async (t) => {
      const { removeToken } = ctx.target().hooks;
      if (!removeToken) return t.skip('needs a token the test can remove (SoftHSM only)');
      const d = await ctx.driver();
      const restore = await removeToken();
      try {
        const err = await expectDriverError(
          d.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 5 }),
          'HSM_DEVICE_REMOVED',
        );
        expect(err.retryable).toBe(true);
        // Not "false": a missing token must not look like a missing key.
        await expectDriverError(d.hasKey(kek), 'HSM_DEVICE_REMOVED');
      } finally {
        await restore();
      }
      await roundTrip(d);
      expect(await d.hasKey(kek)).toBe(true);
    });
  });
}
