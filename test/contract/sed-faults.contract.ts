import { describe, expect, it } from 'vitest';
import { Secret } from '../../server/drivers/core/secret.ts';
import {
  ADMIN2,
  expectDriverError,
  SID,
  WRONG,
  type CommandRecord,
  type SedContractContext,
} from './sed.contract.ts';

/** Faults, parallelism and the destructive primitives (part of the SedDriver contract). */
export function describeSedFaultContract(ctx: SedContractContext): void {
  const t = () => ({ device: ctx.target().primary.device, expectedSerial: ctx.target().primary.serial });
  const hooks = () => ctx.target().hooks;
  const overlap = (a: CommandRecord, b: CommandRecord) => a.start < b.end && b.start < a.end;

  describe('faults', () => {
    it.skipIf(!ctx.has('lockout'))(
      'locks Admin1 out after TryLimit failures until a power cycle',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        for (let i = 0; i < ctx.target().tryLimit!; i++) {
          await expectDriverError(d.listRanges({ ...t(), admin1Password: WRONG() }), 'SED_AUTH_FAILED');
        }
        const out = await expectDriverError(
          d.listRanges({ ...t(), admin1Password: SID() }),
          'SED_LOCKED_OUT',
        );
        expect(out.detail['tcgStatus']).toBe('AUTHORITY_LOCKED_OUT');
        await hooks().powerCycle!(t().device);
        expect(await d.listRanges({ ...t(), admin1Password: SID() })).not.toHaveLength(0);
      },
    );

    it.skipIf(!ctx.has('faults'))(
      'answers SP_BUSY as a retryable SED_SP_BUSY that changes nothing',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        await hooks().spBusy!(t().device, 1);
        const err = await expectDriverError(
          d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: SID() }),
          'SED_SP_BUSY',
        );
        expect(err.retryable).toBe(true);
        expect((await d.query(t().device)).locking?.locked).toBe(false);
        await d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: SID() });
        expect((await d.query(t().device)).locking?.locked).toBe(true);
      },
    );

    it.skipIf(!ctx.has('faults'))(
      'reports a vanished drive as SED_DEVICE_NOT_FOUND and sends it nothing keyed',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        const back = await hooks().vanish!(t().device);
        ctx.recorder().records = [];
        await expectDriverError(d.query(t().device), 'SED_DEVICE_NOT_FOUND');
        await expectDriverError(
          d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: SID() }),
          'SED_DEVICE_NOT_FOUND',
        );
        expect(ctx.recorder().records.filter((r) => r.action === 'setLockingRange')).toEqual([]);
        await back();
        await d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: SID() });
      },
    );

    it.skipIf(!ctx.has('swap'))(
      'refuses a swapped device path with SED_IDENTITY_MISMATCH before any keyed command',
      async () => {
        const d = ctx.driver();
        const { primary } = ctx.target();
        const secondary = ctx.target().secondary!;
        await ctx.enroll(primary);
        await ctx.enroll(secondary);
        await hooks().swap!(primary.device, secondary.device);
        ctx.recorder().records = [];
        const err = await expectDriverError(
          d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: SID() }),
          'SED_IDENTITY_MISMATCH',
        );
        expect(err.detail).toMatchObject({ expectedSerial: primary.serial, actualSerial: secondary.serial });
        expect(ctx.recorder().records.map((r) => r.action)).toEqual(['query']);
        expect((await d.query(primary.device)).locking?.locked).toBe(false);
        expect((await d.query(secondary.device)).locking?.locked).toBe(false);
      },
    );

    it.skipIf(!ctx.has('faults'))(
      'runs different drives in parallel and one drive serially, without SP_BUSY',
      async () => {
        const d = ctx.driver();
        const { primary } = ctx.target();
        const secondary = ctx.target().secondary!;
        await ctx.enroll(primary);
        await ctx.enroll(secondary);
        await hooks().latency!(primary.device, 150);
        await hooks().latency!(secondary.device, 150);
        const lock = (drive: typeof primary, state: 'locked' | 'unlocked') =>
          d.setLockState({
            device: drive.device,
            expectedSerial: drive.serial,
            range: 0,
            state,
            admin1Password: SID(),
          });
        ctx.recorder().records = [];
        await Promise.all([lock(primary, 'locked'), lock(secondary, 'locked')]);
        const keyed = ctx.recorder().records.filter((r) => r.action === 'setLockingRange');
        expect(keyed).toHaveLength(2);
        expect(overlap(keyed[0]!, keyed[1]!)).toBe(true);
        ctx.recorder().records = [];
        await Promise.all([lock(primary, 'unlocked'), lock(primary, 'locked'), lock(primary, 'unlocked')]);
        const same = ctx.recorder().records;
        expect(same.every((r) => r.exitCode === 0)).toBe(true);
        for (const [i, a] of same.entries())
          for (const b of same.slice(i + 1)) expect(overlap(a, b)).toBe(false);
        expect((await d.query(primary.device)).locking?.locked).toBe(false);
      },
    );

    it.skipIf(!ctx.has('faults'))(
      'times out a hung command, and drops an aborted call that is still waiting',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        await hooks().latency!(t().device, 400);
        const slow = d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: SID() });
        const ac = new AbortController();
        const waiting = d.setLockState(
          { ...t(), range: 0, state: 'unlocked', admin1Password: SID() },
          { signal: ac.signal },
        );
        setTimeout(() => ac.abort(), 50);
        await expectDriverError(waiting, 'SED_ABORTED');
        await slow;
        await expectDriverError(d.query(t().device, { timeoutMs: 100 }), 'SED_TIMEOUT');
      },
    );
  });

  describe('destructive primitives', () => {
    const generations = () => hooks().keyGenerations!(t().device);

    it.skipIf(!ctx.has('keyGenerations'))(
      're-keys a range and sets one up: each crypto-erases only its range',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        const g0 = await generations();
        await d.rekeyRange({ ...t(), range: 0, admin1Password: SID() });
        await d.setupRange({ ...t(), range: 1, startLba: 0, lengthLba: 2048, admin1Password: SID() });
        const g1 = await generations();
        expect([g1[0]! - g0[0]!, g1[1]! - g0[1]!, g1[2]! - g0[2]!]).toEqual([1, 1, 0]);
        const ranges = await d.listRanges({ ...t(), admin1Password: SID() });
        expect(ranges[1]).toMatchObject({
          start: 0,
          length: 2048,
          readLockEnabled: false,
          readLocked: false,
        });
      },
    );

    it.skipIf(!ctx.has('keyGenerations'))(
      'reverts the Locking SP keeping the global range, then the TPer with the SID',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        await expectDriverError(
          d.revertLockingSp({ ...t(), keepGlobalRangeData: true, admin1Password: ADMIN2() }),
          'SED_AUTH_FAILED',
        );
        const g0 = await generations();
        await d.revertLockingSp({ ...t(), keepGlobalRangeData: true, admin1Password: SID() });
        expect((await d.query(t().device)).locking?.lockingEnabled).toBe(false);
        await d.revertTper({ ...t(), sidPassword: SID() });
        expect((await generations())[0]).toBe(g0[0]);
        await d.takeOwnership({ ...t(), newSidPassword: SID() }); // SID is the MSID again
      },
    );

    it.skipIf(!ctx.has('keyGenerations'))(
      'proves factory state after RevertTPer: the MSID opens the SID only then, and the data is gone',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        expect(await d.sidIsFactoryMsid(t())).toBe(false); // owned: the MSID is refused (one try)
        const g0 = await generations();
        await d.revertTper({ ...t(), sidPassword: SID() });
        expect(await d.sidIsFactoryMsid(t())).toBe(true);
        expect((await d.query(t().device)).locking?.lockingEnabled).toBe(false);
        expect((await generations())[0]).toBe(g0[0]! + 1);
        await expectDriverError(
          d.sidIsFactoryMsid({ ...t(), expectedSerial: 'NOT-THIS-ONE' }),
          'SED_IDENTITY_MISMATCH',
        );
      },
    );

    it.skipIf(!ctx.has('keyGenerations'))(
      'revertLockingSp without keeping the global range erases it',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        const g0 = await generations();
        await d.revertLockingSp({ ...t(), keepGlobalRangeData: false, admin1Password: SID() });
        expect((await generations())[0]).toBe(g0[0]! + 1);
      },
    );

    it.skipIf(!ctx.has('psid'))(
      'PSID revert brings an owned drive back to factory state, erasing it',
      async () => {
        const d = ctx.driver();
        await ctx.enroll();
        const psid = await hooks().psid!(t().device);
        await expectDriverError(
          d.psidRevert({ ...t(), psid: new Secret(Buffer.from('0'.repeat(32))) }),
          'SED_AUTH_FAILED',
        );
        const dashed = psid.replace(/(.{8})(?!$)/g, '$1-').toLowerCase();
        await d.psidRevert({ ...t(), psid: new Secret(Buffer.from(dashed)) });
        expect((await d.query(t().device)).locking?.lockingEnabled).toBe(false);
        await d.takeOwnership({ ...t(), newSidPassword: SID() });
      },
    );
  });
}
