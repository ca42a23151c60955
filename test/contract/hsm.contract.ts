import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverError, type DriverErrorCode } from '../../server/drivers/core/driver-error.ts';
import type { HsmDriver } from '../../server/drivers/hsm/hsm-driver.ts';
import { describeLifecycleContract } from './hsm-lifecycle.contract.ts';
import { describeRecoveryContract } from './hsm-recovery.contract.ts';
import { describeSecretsContract } from './hsm-secrets.contract.ts';
import { describeSigningContract } from './hsm-signing.contract.ts';

/**
 * The HsmDriver contract (STYLE house rule 3): one suite, run against SoftHSM2 always and
 * against a real PKCS#11 module when the environment names one. Capabilities a target lacks
 * (fault hooks, removing a token, spending a wrong-PIN attempt) skip their tests by name.
 */
export interface HsmContractHooks {
  /** Whether CKA_VALUE of the labelled key can be read (answers a boolean, never bytes). */
  probeValueReadable?(d: HsmDriver, label: string): Promise<boolean>;
  /** A session key with a known value, for known-answer tests. */
  importKnownKey?(d: HsmDriver, label: string, type: 'aes-kek' | 'hmac', value: Buffer): Promise<void>;
  invalidateSession?(d: HsmDriver, how: 'close-all-sessions' | 'logout'): Promise<void>;
  injectFault?(d: HsmDriver, fault: { ckr: number; count: number; fn?: string }): Promise<void>;
  /** Makes the token disappear; resolves with a function that brings it back. */
  removeToken?(): Promise<() => Promise<void>>;
}

export interface HsmContractTarget {
  /** A new, unopened driver on the token under test. */
  createDriver(opts?: { reinitializeAfterOps?: number }): HsmDriver;
  /** An unopened driver with a wrong PIN (absent where a failed login costs a real retry). */
  createWrongPinDriver?(): { driver: HsmDriver; pin: string };
  hooks: HsmContractHooks;
}

export interface HsmContractContext {
  target(): HsmContractTarget;
  /** The shared open driver (opened on first use). */
  driver(): Promise<HsmDriver>;
  /** Closes the shared driver: one driver per module and process at a time. */
  closeShared(): Promise<void>;
  /** A label unique to this run, remembered for clean-up. */
  label(name: string): string;
}

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

export interface HsmContractOptions {
  name: string;
  /** When set, the whole suite shows as skipped with this reason. */
  skipReason?: string;
  setup(): Promise<HsmContractTarget>;
  teardown?(): Promise<void>;
}

export function describeHsmContract(opts: HsmContractOptions): void {
  const title = `HsmDriver contract: ${opts.name}${opts.skipReason ? ` (${opts.skipReason})` : ''}`;
  describe.skipIf(opts.skipReason !== undefined)(title, () => {
    let target: HsmContractTarget | undefined;
    let shared: HsmDriver | null = null;
    const run = randomUUID().slice(0, 8);
    const labels = new Set<string>();
    const ctx: HsmContractContext = {
      target: () => target!,
      driver: async () => {
        if (!shared) {
          const d = target!.createDriver();
          await d.open();
          shared = d;
        }
        return shared;
      },
      closeShared: async () => {
        await shared?.close();
        shared = null;
      },
      label: (name) => {
        const label = `lwtest:${run}:${name}`;
        labels.add(label);
        return label;
      },
    };

    beforeAll(async () => {
      target = await opts.setup();
    });
    afterAll(async () => {
      if (target) {
        // Leave nothing behind on a real token.
        const d = await ctx.driver();
        for (const label of labels) await d.destroyKey(label).catch(() => {});
        await ctx.closeShared();
      }
      await opts.teardown?.();
    });

    describeStatusContract(ctx);
    describeSecretsContract(ctx);
    describeSigningContract(ctx);
    describeRecoveryContract(ctx);
    describeLifecycleContract(ctx);
  });
}

function describeStatusContract(ctx: HsmContractContext): void {
  describe('status and key management', () => {
    it('reports module, token, login state, mechanisms and latency', async () => {
      const s = await (await ctx.driver()).getStatus();
      expect(s.module.description).not.toBe('');
      expect(s.module.cryptokiVersion).toMatch(/^2\.\d+$|^3\.\d+$/);
      expect(s.token.label).not.toBe('');
      expect(s.token.serialNumber).not.toBe('');
      expect(s.isLoggedIn).toBe(true);
      for (const m of ['AES_KEY_GEN', 'AES_KEY_WRAP', 'SHA256_HMAC', 'ECDSA', 'EC_KEY_PAIR_GEN'] as const)
        expect(s.mechanisms[m], m).toBe(true);
      expect(s.latencyMs).toBeGreaterThan(0);
      expect(s.latencyMs).toBeLessThan(1000);
      for (const v of Object.values(s.memory)) expect(v === null || v >= 0).toBe(true);
    });

    it('creates a KEK that wraps and unwraps only and whose value cannot be read', async () => {
      const d = await ctx.driver();
      const label = ctx.label('kek-attrs');
      await d.createKek(label);
      const [kek, ...rest] = await d.describeKey(label);
      expect(rest).toEqual([]);
      expect(kek).toMatchObject({
        objectClass: 'secret-key',
        keyType: 'aes',
        isToken: true,
        isPrivate: true,
        isModifiable: false,
        isSensitive: true,
        isExtractable: false,
        isAlwaysSensitive: true,
        isNeverExtractable: true,
        isLocal: true,
        usage: { encrypt: false, decrypt: false, wrap: true, unwrap: true, sign: false, verify: false },
      });
      const probe = ctx.target().hooks.probeValueReadable;
      if (probe) expect(await probe(d, label)).toBe(false);
    });

    it('refuses an existing label, finds and destroys keys by label', async () => {
      const d = await ctx.driver();
      const label = ctx.label('kek-lifecycle');
      expect(await d.hasKey(label)).toBe(false);
      await d.createKek(label);
      expect(await d.hasKey(label)).toBe(true);
      await expectDriverError(d.createKek(label), 'HSM_KEY_EXISTS');
      await expectDriverError(d.createHmacKey(label), 'HSM_KEY_EXISTS');
      await d.destroyKey(label);
      expect(await d.hasKey(label)).toBe(false);
      await expectDriverError(d.destroyKey(label), 'HSM_KEY_NOT_FOUND');
    });

    it('rejects malformed input before it reaches the HSM', async () => {
      const d = await ctx.driver();
      const kekLabel = ctx.label('kek-input');
      await expectDriverError(d.createKek('has space'), 'HSM_INVALID_ARGUMENT');
      await expectDriverError(d.createKek(''), 'HSM_INVALID_ARGUMENT');
      for (const count of [0, -1, 1.5, 100_001])
        await expectDriverError(
          d.generateWrappedSecrets({ kekLabel, kind: 'random-32', count }),
          'HSM_INVALID_ARGUMENT',
        );
      const kind = 'bogus' as 'random-32';
      await expectDriverError(d.generateWrappedSecrets({ kekLabel, kind, count: 1 }), 'HSM_INVALID_ARGUMENT');
      const short = await expectDriverError(
        d.unwrapSecret({ kekLabel, kind: 'random-32', wrapped: Buffer.alloc(39) }),
        'HSM_WRAPPED_KEY_INVALID',
      );
      expect(short.detail).toMatchObject({ reason: 'length', length: 39 });
      await expectDriverError(d.random(0), 'HSM_INVALID_ARGUMENT');
      await expectDriverError(d.random(4097), 'HSM_INVALID_ARGUMENT');
    });

    it('returns random bytes from the HSM', async () => {
      const d = await ctx.driver();
      const [a, b] = [await d.random(32), await d.random(32)];
      expect(a).toHaveLength(32);
      expect(a.equals(b)).toBe(false);
      expect(await d.random(4096)).toHaveLength(4096);
    });
  });
}
