import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DriverError, type DriverErrorCode } from '../../server/drivers/core/driver-error.ts';
import { Secret } from '../../server/drivers/core/secret.ts';
import type {
  CommandResult,
  CommandRunner,
  CommandRunOptions,
} from '../../server/drivers/sed/command-runner.ts';
import type { SedDriver } from '../../server/drivers/sed/sed-driver.ts';
import { describeSedFaultContract } from './sed-faults.contract.ts';

/**
 * The SedDriver contract (STYLE house rule 3): one suite, run against the in-process emulator,
 * the `sedutil-cli` executable simulator, and a real drive when the environment names one.
 * Every test starts from a drive in factory state (`hooks.reset`). What a target cannot do
 * (power-cycle a real drive, inject faults) is declared in `features`; those tests skip by name.
 */
export interface SedContractHooks {
  /** Back to the starting fleet: the primary drive in factory state. */
  reset(): Promise<void>;
  powerCycle?(device: string): Promise<void>;
  spBusy?(device: string, count: number): Promise<void>;
  latency?(device: string, ms: number): Promise<void>;
  /** Makes the drive disappear; resolves with its return. */
  vanish?(device: string): Promise<() => Promise<void>>;
  swap?(a: string, b: string): Promise<void>;
  /** Media-key generation per range (changes on crypto-erase). */
  keyGenerations?(device: string): Promise<number[]>;
  psid?(device: string): Promise<string>;
  /**
   * Enrolls a drive (takeOwnership, activateLockingSP, enableLockingRange 0) without the driver,
   * to spare slow targets the processes. The enrollment test always goes through the driver.
   */
  enroll?(device: string, sidPassword: string): Promise<void>;
}

export interface SedContractTarget {
  createDriver(wrap: (runner: CommandRunner) => CommandRunner): SedDriver;
  primary: { device: string; serial: string };
  secondary?: { device: string; serial: string };
  /** A drive that is not an Opal SED. */
  nonOpal?: string;
  /** Authority TryLimit, when the suite may spend it (lockout test). */
  tryLimit?: number;
  hooks: SedContractHooks;
}

export type SedContractFeature =
  'powerCycle' | 'faults' | 'swap' | 'keyGenerations' | 'psid' | 'lockout' | 'nonOpal';

export interface SedContractOptions {
  name: string;
  /** When set, the whole suite shows as skipped with this reason. */
  skipReason?: string;
  features: ReadonlySet<SedContractFeature>;
  setup(): Promise<SedContractTarget>;
  teardown?(): Promise<void>;
}

/** One sedutil process as the suite saw it (never its arguments). */
export interface CommandRecord {
  action: string;
  device: string;
  start: number;
  end: number;
  exitCode: number | null;
}

/** Wraps the target's runner to record what ran when: identity-before-action and parallelism are checked on it. */
export class RecordingRunner implements CommandRunner {
  records: CommandRecord[] = [];
  constructor(private readonly inner: CommandRunner) {}

  async run(file: string, args: readonly string[], opts: CommandRunOptions): Promise<CommandResult> {
    const start = performance.now();
    const rec = (exitCode: number | null) =>
      this.records.push({
        action: args[0]?.slice(2) ?? '',
        device: args.at(-1) ?? '',
        start,
        end: performance.now(),
        exitCode,
      });
    try {
      const r = await this.inner.run(file, args, opts);
      rec(r.exitCode);
      return r;
    } catch (e) {
      rec(null);
      throw e;
    }
  }
}

export interface SedContractContext {
  target(): SedContractTarget;
  driver(): SedDriver;
  recorder(): RecordingRunner;
  has(feature: SedContractFeature): boolean;
  /** Takes ownership, activates locking and makes the global range enforce read and write locks. */
  enroll(drive?: { device: string; serial: string }): Promise<void>;
}

/** Passwords as the console makes them (sedPasswordFromSecret) are 52 characters; any printable text works. */
export const SID = () => new Secret(Buffer.from('CONTRACT-SID-PASSWORD-0123456789ABCDEFGHJKMNPQRSTVWX'));
export const SID2 = () => new Secret(Buffer.from('CONTRACT-SID-ROTATED-0123456789ABCDEFGHJKMNPQRSTVWXY'));
export const ADMIN2 = () => new Secret(Buffer.from('CONTRACT-ADMIN1-ROTATED-0123456789ABCDEFGHJKMNPQRSTV'));
export const WRONG = () => new Secret(Buffer.from('CONTRACT-WRONG-PASSWORD-0123456789ABCDEFGHJKMNPQRSTV'));

export async function expectDriverError(p: Promise<unknown>, code: DriverErrorCode): Promise<DriverError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriverError);
  expect((err as DriverError).code, (err as Error).message).toBe(code);
  return err as DriverError;
}

export function describeSedContract(opts: SedContractOptions): void {
  const title = `SedDriver contract: ${opts.name}${opts.skipReason ? ` (skipped: ${opts.skipReason})` : ''}`;
  describe.skipIf(opts.skipReason !== undefined)(title, () => {
    let target: SedContractTarget | undefined;
    let driver: SedDriver | undefined;
    let recorder: RecordingRunner | undefined;
    const ctx: SedContractContext = {
      target: () => target!,
      driver: () => driver!,
      recorder: () => recorder!,
      has: (f) => opts.features.has(f),
      enroll: async (drive = target!.primary) => {
        const fast = target!.hooks.enroll;
        if (fast) return fast(drive.device, SID().expose().toString());
        const d = driver!;
        const t = { device: drive.device, expectedSerial: drive.serial };
        await d.takeOwnership({ ...t, newSidPassword: SID() });
        await d.activateLockingSp({ ...t, sidPassword: SID() });
        await d.setRangeLocking({ ...t, range: 0, locking: 'read-write', admin1Password: SID() });
      },
    };

    beforeAll(async () => {
      target = await opts.setup();
      driver = target.createDriver((inner) => (recorder = new RecordingRunner(inner)));
    });
    beforeEach(async () => {
      await target!.hooks.reset();
      recorder!.records = [];
    });
    afterAll(async () => {
      await target?.hooks.reset();
      await driver?.close();
      await opts.teardown?.();
    });

    describeDiscoveryContract(ctx);
    describeLockingContract(ctx);
    describeSedFaultContract(ctx);
  });
}

function describeDiscoveryContract(ctx: SedContractContext): void {
  describe('discovery', () => {
    it('names the tool and lists the drive with its identity', async () => {
      const d = ctx.driver();
      const { primary } = ctx.target();
      expect((await d.getToolInfo()).passwordScheme).toMatch(/^(dta-sha1-75k|chubbyant-sha512-500k)$/);
      const found = (await d.scan()).find((e) => e.device === primary.device);
      expect(found).toMatchObject({ ssc: expect.stringMatching(/^opal[12]$/) as unknown });
      const id = await d.identify(primary.device);
      expect(id).toMatchObject({ device: primary.device, serial: primary.serial });
      expect(id.serialField.trim()).toBe(primary.serial);
      const q = await d.query(primary.device);
      expect(q.locking).toMatchObject({ lockingSupported: true, lockingEnabled: false, locked: false });
      expect(q.tperProperties['MaxComPacketSize']).toBeGreaterThan(0);
    });

    it.skipIf(!ctx.has('nonOpal'))('refuses a drive that is not an Opal SED', async () => {
      const nonOpal = ctx.target().nonOpal!;
      expect((await ctx.driver().scan()).find((e) => e.device === nonOpal)?.ssc).toBe('none');
      await expectDriverError(ctx.driver().query(nonOpal), 'SED_NOT_SUPPORTED');
    });

    it('rejects malformed requests before running anything', async () => {
      const d = ctx.driver();
      const t = { device: ctx.target().primary.device, expectedSerial: ctx.target().primary.serial };
      const gone = SID();
      gone.dispose();
      await expectDriverError(
        d.setLockState({ ...t, range: 16, state: 'locked', admin1Password: SID() }),
        'SED_INVALID_ARGUMENT',
      );
      await expectDriverError(d.takeOwnership({ ...t, newSidPassword: gone }), 'SED_INVALID_ARGUMENT');
      await expectDriverError(
        d.takeOwnership({ ...t, newSidPassword: new Secret(Buffer.from('tab\there')) }),
        'SED_INVALID_ARGUMENT',
      );
      await expectDriverError(
        d.psidRevert({ ...t, psid: new Secret(Buffer.from('not-a-psid')) }),
        'SED_INVALID_ARGUMENT',
      );
      await expectDriverError(
        d.takeOwnership({ ...t, device: 'sda', newSidPassword: SID() }),
        'SED_INVALID_ARGUMENT',
      );
      await expectDriverError(
        d.takeOwnership({ ...t, expectedSerial: ' ', newSidPassword: SID() }),
        'SED_INVALID_ARGUMENT',
      );
      await expectDriverError(
        d.setupRange({ ...t, range: 0, startLba: 0, lengthLba: 8, admin1Password: SID() }),
        'SED_INVALID_ARGUMENT',
      );
      expect(ctx.recorder().records).toEqual([]);
    });
  });
}

function describeLockingContract(ctx: SedContractContext): void {
  const t = () => ({ device: ctx.target().primary.device, expectedSerial: ctx.target().primary.serial });
  const locked = async () => (await ctx.driver().query(t().device)).locking?.locked;

  describe('ownership, locking and rotation', () => {
    it('enrolls, locks, stays locked over a power cycle, unlocks and goes read-only', async () => {
      const d = ctx.driver();
      await d.takeOwnership({ ...t(), newSidPassword: SID() });
      await d.activateLockingSp({ ...t(), sidPassword: SID() });
      await d.setRangeLocking({ ...t(), range: 0, locking: 'read-write', admin1Password: SID() });
      const ranges = await d.listRanges({ ...t(), admin1Password: SID() });
      expect(ranges[0]).toMatchObject({
        range: 0,
        readLockEnabled: true,
        writeLockEnabled: true,
        readLocked: false,
      });
      expect((await d.query(t().device)).locking).toMatchObject({
        lockingEnabled: true,
        locked: false,
        mbrEnabled: false,
      });
      await d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: SID() });
      expect(await locked()).toBe(true);
      await d.setLockState({ ...t(), range: 0, state: 'unlocked', admin1Password: SID() });
      if (ctx.has('powerCycle')) {
        await ctx.target().hooks.powerCycle!(t().device);
        expect(await locked()).toBe(true);
      }
      await d.setLockState({ ...t(), range: 0, state: 'unlocked', admin1Password: SID() });
      expect(await locked()).toBe(false);
      await d.setLockState({ ...t(), range: 0, state: 'read-only', admin1Password: SID() });
      expect(await locked()).toBe(true);
      await d.setRangeLocking({ ...t(), range: 0, locking: 'off', admin1Password: SID() });
      expect(await locked()).toBe(false);
    });

    it('rotates Admin1 and SID; only the new credentials work afterwards', async () => {
      const d = ctx.driver();
      await ctx.enroll();
      await d.setAdmin1Password({ ...t(), currentPassword: SID(), newPassword: ADMIN2() });
      await d.checkCredential({ ...t(), authority: 'Admin1', password: ADMIN2() });
      await expectDriverError(
        d.checkCredential({ ...t(), authority: 'Admin1', password: SID() }),
        'SED_AUTH_FAILED',
      );
      await d.setSidPassword({ ...t(), currentPassword: SID(), newPassword: SID2() });
      await d.checkCredential({ ...t(), authority: 'SID', password: SID2() });
      await expectDriverError(
        d.checkCredential({ ...t(), authority: 'SID', password: SID() }),
        'SED_AUTH_FAILED',
      );
      await d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: ADMIN2() });
      expect(await locked()).toBe(true);
    });

    it('a wrong credential fails with SED_AUTH_FAILED, is not retryable, changes nothing and is not in the error', async () => {
      const d = ctx.driver();
      await ctx.enroll();
      const before = await d.listRanges({ ...t(), admin1Password: SID() });
      const err = await expectDriverError(
        d.setLockState({ ...t(), range: 0, state: 'locked', admin1Password: WRONG() }),
        'SED_AUTH_FAILED',
      );
      expect(err.retryable).toBe(false);
      expect(err.detail).toMatchObject({ tcgStatus: 'NOT_AUTHORIZED', exitCode: 1, device: t().device });
      expect(`${err.message}${JSON.stringify(err.detail)}`).not.toContain('CONTRACT-');
      expect(await d.listRanges({ ...t(), admin1Password: SID() })).toEqual(before);
      await expectDriverError(d.takeOwnership({ ...t(), newSidPassword: SID2() }), 'SED_AUTH_FAILED');
    });

    it('tells a Locking SP that is not active, or already active, apart from a bad password', async () => {
      const d = ctx.driver();
      await expectDriverError(d.listRanges({ ...t(), admin1Password: SID() }), 'SED_INVALID_STATE');
      await ctx.enroll();
      await expectDriverError(d.activateLockingSp({ ...t(), sidPassword: SID() }), 'SED_INVALID_STATE');
    });

    it('sets the shadow MBR on and off and MBRDone', async () => {
      const d = ctx.driver();
      await ctx.enroll();
      await d.setMbrEnabled({ ...t(), enabled: true, admin1Password: SID() });
      expect((await d.query(t().device)).locking).toMatchObject({ mbrEnabled: true, mbrDone: true });
      await d.setMbrDone({ ...t(), done: false, admin1Password: SID() });
      expect((await d.query(t().device)).locking).toMatchObject({ mbrEnabled: true, mbrDone: false });
      await d.setMbrEnabled({ ...t(), enabled: false, admin1Password: SID() });
      expect((await d.query(t().device)).locking?.mbrEnabled).toBe(false);
    });
  });
}
