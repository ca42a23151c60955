import { parseBarcode } from '../../drivers/tape/lto-media.ts';
import { AppError } from '../../domain/errors.ts';
import type { EraseItemRecord } from '../../domain/erase-repositories.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { verifyOne, type TapeVerifyDeps } from '../tape/tape-verify.job.ts';
import type { EraseCtx, ItemEraser, MediumDescription, Verification } from './item-eraser.ts';

const VERSION = '0.1.0';

/**
 * Crypto-shredding a cartridge: its data key is destroyed (the wrapped copy deleted, the state
 * `destroyed`; the key never existed outside the HSM and the drive, and the drive cleared it at
 * unload). A pool key shared with other live cartridges cannot be destroyed for one of them:
 * that item is refused with the reason, and the key goes with the pool's last cartridge.
 */
export class TapeShredder implements ItemEraser {
  constructor(private readonly d: TapeVerifyDeps & { secrets: ManagedSecretsService }) {}

  async preflight(item: EraseItemRecord): Promise<void> {
    await this.keyOf(item.identity);
  }

  async erase(item: EraseItemRecord, _r: unknown, ctx: EraseCtx): Promise<void> {
    const { cart, key } = await this.keyOf(item.identity);
    if (key.poolId && key.barcode === null) {
      const sharing = (
        await this.d.store.tape.listCartridges({ poolId: key.poolId, limit: 100_000, offset: 0 })
      ).items.filter((c) => c.keyRef === cart.keyRef && c.barcode !== cart.barcode && c.state !== 'retired');
      if (sharing.length > 0) {
        throw new AppError(
          'KEY_STATE_INVALID',
          `${cart.barcode} shares pool key ${cart.keyRef} with ${sharing.length} live cartridge(s); the key is destroyed with the pool's last cartridge`,
        );
      }
    }
    const secret = await this.d.secrets.get(key.secretId);
    if (secret.state === 'active' || secret.state === 'suspended')
      await this.d.secrets.transition(secret.id, 'deactivate', {
        ...ctx,
        reason: `crypto-shred ${cart.barcode}`,
      });
    if (secret.state !== 'destroyed')
      await this.d.secrets.destroy(secret.id, {
        actor: ctx.actor,
        requestId: ctx.requestId,
        approvalId: ctx.approvalId,
      });
    const now = this.d.clock.now().toISOString();
    await this.d.store.transaction((tx) =>
      tx.tape.updateCartridge(cart.barcode, { state: 'retired', updatedAt: now }),
    );
  }

  async verify(item: EraseItemRecord, _r: unknown, ctx: EraseCtx): Promise<Verification> {
    const { cart, key } = await this.keyOf(item.identity);
    const secret = await this.d.secrets.get(key.secretId);
    if (secret.state !== 'destroyed' || secret.wrapped !== null) {
      return {
        passed: false,
        method: 'key state in the key store',
        details: `key ${cart.keyRef} is ${secret.state}`,
      };
    }
    const dbPart = `key ${cart.keyRef} destroyed at ${secret.destroyedAt ?? '?'}; no wrapped copy remains`;
    const inLibrary = (await this.d.inventory.libraryFresh(cart.librarySerial)).elements.some(
      (e) => e.full && e.barcode === cart.barcode,
    );
    if (!inLibrary) {
      return {
        passed: true,
        method: 'key store check (cartridge not in its library, not mounted)',
        details: dbPart,
      };
    }
    const seen = await verifyOne(this.d, cart.librarySerial, cart.barcode, {
      actor: ctx.actor,
      requestId: null,
    });
    const method = 'key store check + mount: next-block encryption status read by the drive';
    if (seen.outcome === 'blank')
      return { passed: true, method, details: `${dbPart}; the tape holds no data` };
    if (seen.outcome === 'ok')
      return {
        passed: true,
        method,
        details: `${dbPart}; the drive reports the data ${seen.detail}: it cannot be decrypted`,
      };
    if (seen.outcome === 'other-key') {
      const ref = /under (\S+)/.exec(seen.detail)?.[1];
      const other = ref ? await this.d.store.tape.findKey(ref) : undefined;
      const otherSecret = other && (await this.d.secrets.get(other.secretId));
      if (otherSecret?.state === 'destroyed')
        return { passed: true, method, details: `${dbPart}; data ${seen.detail}, also destroyed` };
    }
    return { passed: false, method, details: `${dbPart}; but ${seen.outcome}: ${seen.detail}` };
  }

  async retireSecrets(): Promise<void> {
    // The data key was destroyed by `erase`: nothing else is escrowed for a cartridge.
  }

  describe(item: EraseItemRecord): Promise<MediumDescription> {
    const info = parseBarcode(item.identity);
    const gen = info.generation ? `LTO-${info.generation.generation}` : 'LTO';
    return Promise.resolve({
      mediaType: `${gen} ${info.kind === 'worm' ? 'WORM' : 'data'} cartridge`,
      manufacturer: 'unknown (not reported by the library)',
      model: `${gen} Ultrium (${info.mediaId})`,
      serial: item.identity,
      category: 'Purge',
      technique:
        'Cryptographic Erase: the AES-256 data key was destroyed (wrapped copy deleted; the HSM never released it)',
      tool: 'Lockwarden',
      toolVersion: VERSION,
    });
  }

  isTransient(err: unknown): boolean {
    return err instanceof AppError && ['TAPE_BUSY', 'TAPE_NOT_READY', 'HSM_UNAVAILABLE'].includes(err.code);
  }

  private async keyOf(barcode: string) {
    const cart = await this.d.store.tape.findCartridge(barcode);
    if (!cart) throw new AppError('TAPE_NOT_ENROLLED', `${barcode} is not enrolled`);
    const key = await this.d.store.tape.findKey(cart.keyRef);
    if (!key) throw new AppError('TAPE_KEY_UNKNOWN', `No key record ${cart.keyRef} for ${barcode}`);
    return { cart, key };
  }
}
