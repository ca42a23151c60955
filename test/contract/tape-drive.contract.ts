import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScsiBehavior } from '../../hardware-sims/scsi/scsi-target.ts';
import { DriverError, type DriverErrorCode } from '../../server/drivers/core/driver-error.ts';
import { Secret } from '../../server/drivers/core/secret.ts';
import type { SetTapeKeyRequest, TapeDriveDriver } from '../../server/drivers/tape/tape-drive-driver.ts';
import { describeTapeDriveFaults } from './tape-drive-faults.contract.ts';

/**
 * The TapeDriveDriver contract (STYLE house rule 3): one suite, run against the in-process
 * emulator, the emulator behind its socket, and a real drive when LOCKWARDEN_TEST_SG_DEVICE
 * names one. Tests that need a hook the target lacks (a scratch cartridge, fault injection)
 * skip by name.
 */
export interface TapeDriveHooks {
  /** Put a blank cartridge in the drive (the drive threads it). */
  mountScratch?(barcode?: string): Promise<void>;
  /** Fault injection on the device; returns the function that removes it. */
  fault?(b: ScsiBehavior): () => void;
  /** The device disappears (socket closed / drive off the bus). */
  vanish?(): Promise<void>;
  /** Switch the drive's encryption method (library-managed drives refuse SPOUT). */
  setMethod?(method: 'AME' | 'LME'): void;
  /** Opcodes the device received, oldest first. */
  sentOpcodes?(): number[];
}

export interface TapeDriveTarget {
  /** A new, unopened driver on its own I_T nexus of the drive under test. */
  createDriver(): TapeDriveDriver;
  hooks: TapeDriveHooks;
  cleanup?(): Promise<void>;
}

export interface TapeDriveContractContext {
  target(): TapeDriveTarget;
  /** An open driver on the drive, closed after the test. */
  driver(): Promise<TapeDriveDriver>;
  /** Another open driver (another I_T nexus), closed after the test. */
  another(): Promise<TapeDriveDriver>;
  hookTest(name: string, hooks: (keyof TapeDriveHooks)[], fn: () => Promise<void>): void;
}

export const KEY_A = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
export const KEY_B = Buffer.alloc(32, 0xb7);
export const keyReq = (
  key: Buffer,
  keyId: string,
  more: Partial<SetTapeKeyRequest> = {},
): SetTapeKeyRequest => ({
  key: new Secret(Buffer.from(key)),
  keyId,
  ...more,
});

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

export interface TapeDriveContractOptions {
  name: string;
  skipReason?: string;
  setup(): Promise<TapeDriveTarget>;
}

export function describeTapeDriveContract(opts: TapeDriveContractOptions): void {
  const title = `TapeDriveDriver contract: ${opts.name}${opts.skipReason ? ` (${opts.skipReason})` : ''}`;
  describe.skipIf(opts.skipReason !== undefined)(title, () => {
    let target: TapeDriveTarget | undefined;
    let open: TapeDriveDriver[] = [];
    const make = async () => {
      const d = target!.createDriver();
      open.push(d);
      await d.open();
      return d;
    };
    const ctx: TapeDriveContractContext = {
      target: () => target!,
      driver: async () => open[0] ?? make(),
      another: make,
      hookTest(name, hooks, fn) {
        it(name, async (t) => {
          const missing = hooks.filter((h) => target!.hooks[h] === undefined);
          if (missing.length > 0) t.skip(`needs ${missing.join(', ')}`);
          await fn();
        });
      },
    };
    beforeEach(async () => {
      target = await opts.setup();
    });
    afterEach(async () => {
      await Promise.all(open.map((d) => d.close()));
      open = [];
      await target?.cleanup?.();
    });
    describeCore(ctx);
    describeEncryptedData(ctx);
    describeTapeDriveFaults(ctx);
  });
}

function describeCore(ctx: TapeDriveContractContext): void {
  it('open: identity from INQUIRY and VPD 0x80; capabilities from pages 0x0010/0x0012', async () => {
    const d = await ctx.driver();
    expect(d.identity.vendor).not.toBe('');
    expect(d.identity.serial).toMatch(/\S/u);
    expect(d.capabilities).toMatchObject({
      encryption: true,
      hostControlled: true,
      algorithmIndex: 1,
      keyLength: 32,
    });
    expect(d.capabilities.maxUkadLength).toBeGreaterThanOrEqual(12);
    expect((await d.identify()).serial).toBe(d.identity.serial);
  });

  ctx.hookTest(
    'set key: status shows encryption on, the key id in the U-KAD and a risen counter',
    ['mountScratch'],
    async () => {
      await ctx.target().hooks.mountScratch!();
      const d = await ctx.driver();
      const before = await d.getEncryptionStatus();
      const s = await d.setEncryptionKey(keyReq(KEY_A, 'lw:tape:0001'));
      expect(s).toMatchObject({
        encrypting: true,
        decryptionMode: 'decrypt',
        keyId: 'lw:tape:0001',
        scope: 'all-nexus',
      });
      expect(s.keyInstanceCounter).toBeGreaterThan(before.keyInstanceCounter);
      expect(await d.getEncryptionStatus()).toMatchObject({
        keyId: 'lw:tape:0001',
        parametersControl: 'host',
      });
      const cleared = await d.clearEncryptionKey();
      expect(cleared).toMatchObject({ encrypting: false, decryptionMode: 'disabled' });
    },
  );

  ctx.hookTest(
    'identity before action: a wrong expected serial changes nothing',
    ['mountScratch'],
    async () => {
      await ctx.target().hooks.mountScratch!();
      const d = await ctx.driver();
      const before = await d.getEncryptionStatus();
      await expectDriverError(
        d.setEncryptionKey(keyReq(KEY_A, 'k', { expectedSerial: 'NOT-THIS-ONE' })),
        'SCSI_IDENTITY_MISMATCH',
      );
      expect((await d.getEncryptionStatus()).keyInstanceCounter).toBe(before.keyInstanceCounter);
    },
  );

  ctx.hookTest(
    'CFG_P 10b (library-managed): a clear refusal before any SPOUT',
    ['setMethod', 'sentOpcodes'],
    async () => {
      ctx.target().hooks.setMethod!('LME');
      const d = await ctx.driver();
      expect(d.capabilities.hostControlled).toBe(false);
      const err = await expectDriverError(
        d.setEncryptionKey(keyReq(KEY_A, 'k')),
        'TAPE_ENCRYPTION_NOT_CONTROLLABLE',
      );
      expect(err.message).toMatch(/library or system manages/);
      expect(ctx.target().hooks.sentOpcodes!()).not.toContain(0xb5);
      expect((await d.getEncryptionStatus()).parametersControl).toBe('management-interface');
    },
  );

  ctx.hookTest('CKOD: unloading clears the key', ['mountScratch'], async () => {
    await ctx.target().hooks.mountScratch!();
    const d = await ctx.driver();
    await d.setEncryptionKey(keyReq(KEY_A, 'ckod-key'));
    await d.unload();
    expect(await d.getEncryptionStatus()).toMatchObject({ encrypting: false, decryptionMode: 'disabled' });
    expect(await d.getMediumState()).toMatchObject({ ready: false });
  });

  ctx.hookTest('no key material in errors or status', ['mountScratch'], async () => {
    await ctx.target().hooks.mountScratch!();
    const d = await ctx.driver();
    const s = await d.setEncryptionKey(keyReq(KEY_A, 'lw:tape:0002'));
    const err = await d.setEncryptionKey(keyReq(KEY_A.subarray(0, 16), 'short')).catch((e: unknown) => e);
    const text = JSON.stringify([s, err, (err as Error).message]);
    expect(text).not.toContain(KEY_A.toString('hex'));
    expect(text).not.toContain(KEY_A.toString('base64'));
    const disposed = keyReq(KEY_A, 'k');
    disposed.key.dispose();
    await expectDriverError(d.setEncryptionKey(disposed), 'SCSI_INVALID_ARGUMENT');
  });
}

function describeEncryptedData(ctx: TapeDriveContractContext): void {
  const text = (s: string) => new TextEncoder().encode(s);

  ctx.hookTest(
    'write + read back with the right key; the tape tells which key it needs',
    ['mountScratch'],
    async () => {
      await ctx.target().hooks.mountScratch!();
      const d = await ctx.driver();
      await d.setEncryptionKey(keyReq(KEY_A, 'lw:tape:0003'));
      await d.writeBlock(text('LOCKWARDEN LABEL A00001L9'));
      await d.writeFilemarks(1);
      await d.rewind();
      expect(await d.getNextBlockStatus()).toMatchObject({
        state: 'encrypted',
        keyId: 'lw:tape:0003',
        logicalObjectNumber: 0,
      });
      const block = await d.readBlock(64 * 1024);
      expect(block.kind === 'data' && new TextDecoder().decode(block.data)).toBe('LOCKWARDEN LABEL A00001L9');
      expect(await d.readBlock(1024)).toEqual({ kind: 'filemark' });
      expect(await d.readBlock(1024)).toEqual({ kind: 'end-of-data' });
    },
  );

  ctx.hookTest(
    'read with no key: 7/74/01 decoded; the next-block page still names the key',
    ['mountScratch'],
    async () => {
      await ctx.target().hooks.mountScratch!();
      const d = await ctx.driver();
      await d.setEncryptionKey(keyReq(KEY_A, 'lw:tape:0004', { clearOnDemount: false }));
      await d.writeBlock(text('secret payload'));
      await d.clearEncryptionKey();
      await d.rewind();
      const err = await expectDriverError(d.readBlock(1024), 'TAPE_DECRYPTION_DISABLED');
      expect(err.detail).toMatchObject({
        senseKey: 7,
        asc: 0x74,
        ascq: 0x01,
        ascName: 'Unable to decrypt data',
      });
      expect(await d.getNextBlockStatus()).toMatchObject({
        state: 'encrypted-key-missing',
        keyId: 'lw:tape:0004',
      });
    },
  );

  ctx.hookTest(
    'read with the wrong key: 7/74/03; the position stays, the right key then reads it',
    ['mountScratch'],
    async () => {
      await ctx.target().hooks.mountScratch!();
      const d = await ctx.driver();
      await d.setEncryptionKey(keyReq(KEY_A, 'key-A'));
      await d.writeBlock(text('under key A'));
      await d.setEncryptionKey(keyReq(KEY_B, 'key-B'));
      await d.rewind();
      const err = await expectDriverError(d.readBlock(1024), 'TAPE_WRONG_KEY');
      expect(err.message).toBe('READ(6): DATA PROTECT, Incorrect data encryption key (7/74/03)');
      const nbes = await d.getNextBlockStatus();
      expect(nbes).toMatchObject({ state: 'encrypted-key-missing', keyId: 'key-A', logicalObjectNumber: 0 });
      await d.setEncryptionKey(keyReq(KEY_A, 'key-A'));
      const block = await d.readBlock(1024);
      expect(block.kind === 'data' && new TextDecoder().decode(block.data)).toBe('under key A');
    },
  );

  ctx.hookTest(
    'a plain block in DECRYPT mode is refused (74/02); MIXED returns it',
    ['mountScratch'],
    async () => {
      await ctx.target().hooks.mountScratch!();
      const d = await ctx.driver();
      await d.writeBlock(text('plain'));
      await d.rewind();
      await d.setEncryptionKey(keyReq(KEY_A, 'k'));
      await expectDriverError(d.readBlock(1024), 'TAPE_UNENCRYPTED_DATA');
      await d.setEncryptionKey(keyReq(KEY_A, 'k', { decryptMode: 'mixed' }));
      await d.rewind();
      expect((await d.readBlock(1024)).kind).toBe('data');
      expect(await d.getNextBlockStatus()).toMatchObject({ state: 'not-yet' });
    },
  );

  ctx.hookTest(
    'a key set on another I_T nexus: reads stop with TAPE_ENCRYPTION_PARAMETERS_CHANGED',
    ['mountScratch'],
    async () => {
      await ctx.target().hooks.mountScratch!();
      const a = await ctx.driver();
      await a.setEncryptionKey(keyReq(KEY_A, 'key-A'));
      await a.writeBlock(text('x'));
      await a.rewind();
      const b = await ctx.another();
      await b.setEncryptionKey(keyReq(KEY_B, 'key-B'));
      const err = await expectDriverError(a.readBlock(1024), 'TAPE_ENCRYPTION_PARAMETERS_CHANGED');
      expect(err.retryable).toBe(true);
      expect(await a.getEncryptionStatus()).toMatchObject({ keyId: 'key-B' });
    },
  );
}
