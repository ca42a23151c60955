import type { TapeDriveDriver, TapeEncryptionStatus } from '../../drivers/tape/tape-drive-driver.ts';
import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { TapeCartridgeRecord } from '../../domain/tape-repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { tapeCall } from './tape-errors.ts';
import { newKeyRef } from './tape-enrollment.job.ts';
import type { TapeInventoryService } from './tape-inventory.service.ts';
import type { TapeMountService } from './tape-mount.service.ts';

interface Ctx {
  actor: string;
  requestId: string | null;
}

export interface DeliveryResult {
  barcode: string;
  driveSerial: string;
  keyRef: string | null;
  encrypting: boolean;
  decryptionMode: string;
  keyInstanceCounter: number;
}

/**
 * Mounting with keys: the cartridge goes into the drive, the console checks that the drive
 * holds that cartridge (the library's report for that drive element, read fresh), unwraps the
 * cartridge's key for this one SPOUT and sets it with CKOD (cleared at unload) and the key
 * reference in the U-KAD. A key is only ever handed to a drive from a committed record.
 *
 * - write: the cartridge's current key, encrypt + decrypt. A scratched cartridge gets a fresh
 *   key first (per-cartridge policy); a key still pre-active is activated at its first write.
 * - read: the key the data at the current position needs, named by the block's KAD
 *   (next-block status), set for decryption only when it may no longer protect new data.
 */
export class TapeKeyDeliveryService {
  constructor(
    private readonly d: {
      store: Store;
      inventory: TapeInventoryService;
      mounts: TapeMountService;
      secrets: ManagedSecretsService;
      audit: AuditService;
      clock: Clock;
      events: DomainEvents;
    },
  ) {}

  async mount(
    barcode: string,
    driveSerial: string,
    purpose: 'write' | 'read',
    ctx: Ctx,
  ): Promise<DeliveryResult> {
    const cart = await this.enrolled(barcode);
    const lib = this.d.inventory.library(cart.librarySerial);
    const inDrive = lib.elements.find((e) => e.kind === 'drive' && e.driveSerial === driveSerial);
    if (inDrive?.barcode !== barcode)
      await this.d.mounts.mount(cart.librarySerial, { barcode, driveSerial }, ctx);
    return this.deliver(barcode, driveSerial, purpose, ctx);
  }

  /** Sets the key for a cartridge already in the drive (found loaded, or mounted by another host). */
  async deliver(
    barcode: string,
    driveSerial: string,
    purpose: 'write' | 'read',
    ctx: Ctx,
  ): Promise<DeliveryResult> {
    let cart = await this.enrolled(barcode);
    const drive = this.d.inventory.drive(driveSerial).driver;
    await this.checkMedium(cart, driveSerial);
    let keyRef: string;
    if (purpose === 'write') {
      if (cart.state === 'retired')
        throw new AppError('TAPE_CARTRIDGE_RETIRED', `${barcode} is retired: no new data may be written`);
      if (cart.state === 'scratched') cart = await this.rekeyScratched(cart, ctx);
      keyRef = cart.keyRef;
    } else {
      keyRef = (await this.keyRefOnTape(drive, driveSerial)) ?? cart.keyRef;
    }
    const status = await this.setKey(barcode, driveSerial, drive, keyRef, purpose, ctx);
    const now = this.d.clock.now().toISOString();
    await this.d.store.transaction(async (tx) => {
      tx.afterCommit(() =>
        this.d.events.emit('cartridges:changed', { librarySerial: cart.librarySerial, barcodes: [barcode] }),
      );
      await tx.tape.updateCartridge(barcode, {
        lastMountedAt: now,
        updatedAt: now,
        ...(purpose === 'write' && cart.state === 'enrolled' && { state: 'in-use' as const }),
      });
    });
    await this.d.inventory.refreshDrive(driveSerial);
    return {
      barcode,
      driveSerial,
      keyRef,
      encrypting: status.encrypting,
      decryptionMode: status.decryptionMode,
      keyInstanceCounter: status.keyInstanceCounter,
    };
  }

  private async enrolled(barcode: string): Promise<TapeCartridgeRecord> {
    const cart = await this.d.store.tape.findCartridge(barcode);
    if (!cart) throw new AppError('TAPE_NOT_ENROLLED', `${barcode} is not enrolled`);
    return cart;
  }

  /** The drive must hold this cartridge now: a swapped cartridge never gets another's key. */
  private async checkMedium(cart: TapeCartridgeRecord, driveSerial: string): Promise<void> {
    const lib = this.d.inventory.library(cart.librarySerial);
    const inv = await tapeCall(`read library ${cart.librarySerial}`, () => lib.driver.getInventory());
    const element = inv.drives.find((e) => e.drive?.serial === driveSerial);
    if (!element)
      throw new AppError(
        'LIBRARY_ELEMENT_NOT_FOUND',
        `Drive ${driveSerial} is not in library ${cart.librarySerial}`,
      );
    if (!element.full || element.barcode !== cart.barcode) {
      throw new AppError(
        'TAPE_IDENTITY_MISMATCH',
        `Drive ${driveSerial} holds ${element.full ? (element.barcode ?? 'an unlabelled cartridge') : 'no cartridge'}, not ${cart.barcode}; no key was set`,
      );
    }
  }

  /** Next-block status: the key reference written beside the block at the current position. */
  private async keyRefOnTape(drive: TapeDriveDriver, driveSerial: string): Promise<string | undefined> {
    const next = await tapeCall(`read next-block status of ${driveSerial}`, () => drive.getNextBlockStatus());
    if (next.state === 'encrypted' || next.state === 'encrypted-key-missing') {
      if (!next.keyId)
        throw new AppError('TAPE_KEY_UNKNOWN', 'The block is encrypted but names no key (no U-KAD)');
      return next.keyId.trim();
    }
    return undefined;
  }

  private async setKey(
    barcode: string,
    driveSerial: string,
    drive: TapeDriveDriver,
    keyRef: string,
    purpose: 'write' | 'read',
    ctx: Ctx,
  ): Promise<TapeEncryptionStatus> {
    const key = await this.d.store.tape.findKey(keyRef);
    if (!key)
      throw new AppError('TAPE_KEY_UNKNOWN', `The tape names key ${keyRef}, which Lockwarden does not know`);
    let secret = await this.d.secrets.get(key.secretId);
    if (secret.state === 'destroyed' || secret.wrapped === null) {
      throw new AppError(
        'TAPE_KEY_DESTROYED',
        `Key ${keyRef} of ${barcode} was destroyed: the data cannot be decrypted`,
      );
    }
    if (purpose === 'write' && secret.state === 'pre-active') {
      await this.d.secrets.transition(secret.id, 'activate', { ...ctx, reason: `first write to ${barcode}` });
      secret = await this.d.secrets.get(secret.id);
    }
    const encrypt = purpose === 'write' || secret.state === 'active';
    const material = await this.d.secrets.unwrapForUse(secret.id, encrypt ? 'protect' : 'process', {
      ...ctx,
      purpose: `${purpose} ${barcode} in ${driveSerial}`,
    });
    let status: TapeEncryptionStatus;
    try {
      status = await this.audited(barcode, driveSerial, keyRef, purpose, ctx, () =>
        tapeCall(`set the key of ${barcode} in drive ${driveSerial}`, () =>
          drive.setEncryptionKey({
            key: material,
            keyId: keyRef,
            encrypt,
            clearOnDemount: true,
            expectedSerial: driveSerial,
          }),
        ),
      );
    } finally {
      material.dispose();
    }
    return status;
  }

  /** Scratched: the next write starts from the beginning, under a fresh key (old one: process only). */
  private async rekeyScratched(cart: TapeCartridgeRecord, ctx: Ctx): Promise<TapeCartridgeRecord> {
    const pool = await this.d.store.tape.findPool(cart.poolId);
    const library = await this.d.store.tape.findLibrary(cart.librarySerial);
    if (!pool || !library) throw new AppError('TAPE_NOT_ENROLLED', `${cart.barcode} has no pool any more`);
    const old = await this.d.store.tape.findKey(cart.keyRef);
    const keyRef = newKeyRef();
    const now = this.d.clock.now().toISOString();
    if (pool.keyPolicy === 'per-pool') {
      throw new AppError(
        'KEY_STATE_INVALID',
        'Scratching a pool-key cartridge keeps the pool key; re-enroll is not needed',
      );
    }
    await this.d.secrets.generate({
      domainId: library.keyDomainId,
      kind: 'tape-data-key',
      count: 1,
      ownerRefs: [cart.barcode],
      activate: true,
      actor: ctx.actor,
      requestId: ctx.requestId,
      commitWith: async (tx, [record]) => {
        await tx.tape.insertKeys([
          {
            keyRef,
            secretId: (record as { id: string }).id,
            librarySerial: cart.librarySerial,
            poolId: pool.id,
            barcode: cart.barcode,
            createdAt: now,
          },
        ]);
        await tx.tape.updateCartridge(cart.barcode, { keyRef, state: 'enrolled', updatedAt: now });
      },
      auditAs: () => ({
        action: 'tape.rekey',
        target: `cartridge:${cart.barcode}`,
        details: { keyRef, previousKeyRef: cart.keyRef, reason: 'scratched' },
      }),
    });
    if (old) {
      const s = await this.d.secrets.get(old.secretId);
      if (s.state === 'active')
        await this.d.secrets.transition(s.id, 'deactivate', { ...ctx, reason: 'cartridge scratched' });
    }
    return { ...cart, keyRef, state: 'enrolled' };
  }

  private async audited<T>(
    barcode: string,
    driveSerial: string,
    keyRef: string,
    purpose: string,
    ctx: Ctx,
    fn: () => Promise<T>,
  ): Promise<T> {
    const record = (outcome: 'success' | 'failure', extra: Record<string, unknown>) =>
      this.d.store.transaction((tx) =>
        this.d.audit.record(tx, {
          actor: ctx.actor,
          action: 'tape.key.deliver',
          target: `cartridge:${barcode}`,
          outcome,
          requestId: ctx.requestId,
          details: { drive: driveSerial, keyRef, purpose, ...extra },
        }),
      );
    try {
      const result = await fn();
      await record('success', {});
      return result;
    } catch (err) {
      await record('failure', { error: err instanceof AppError ? err.code : 'INTERNAL_ERROR' });
      throw err;
    }
  }
}
