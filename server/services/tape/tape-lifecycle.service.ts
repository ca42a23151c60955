import type { Cartridge } from '../../../shared/schemas/cartridges.ts';
import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { CartridgeState } from '../../domain/tape-repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';

/** Which operator transitions a cartridge allows (enrolled → in use happens at the first write). */
const NEXT: Record<'scratch' | 'retire', CartridgeState[]> = {
  scratch: ['in-use', 'enrolled'],
  retire: ['enrolled', 'in-use', 'scratched'],
};

/**
 * Cartridge life cycle: scratch (its data is expendable; the next write from the beginning gets
 * a fresh key) and retire (the cartridge leaves service). Its own key follows NIST SP 800-57: a
 * retired cartridge's key is deactivated (it may still decrypt, never protect). Pool keys are
 * shared and stay as they are. Destroying a key (crypto-shredding) needs a second person.
 */
export class TapeLifecycleService {
  constructor(
    private readonly d: {
      store: Store;
      secrets: ManagedSecretsService;
      audit: AuditService;
      clock: Clock;
      events: DomainEvents;
    },
  ) {}

  async apply(
    barcode: string,
    action: 'scratch' | 'retire',
    ctx: { actor: string; requestId: string | null },
  ): Promise<Cartridge['state']> {
    const cart = await this.d.store.tape.findCartridge(barcode);
    if (!cart) throw new AppError('TAPE_NOT_ENROLLED', `${barcode} is not enrolled`);
    if (!NEXT[action].includes(cart.state))
      throw new AppError('KEY_STATE_INVALID', `A cartridge that is ${cart.state} cannot be ${action}d`);
    const next: CartridgeState = action === 'scratch' ? 'scratched' : 'retired';
    const now = this.d.clock.now().toISOString();
    await this.d.store.transaction(async (tx) => {
      tx.afterCommit(() =>
        this.d.events.emit('cartridges:changed', { librarySerial: cart.librarySerial, barcodes: [barcode] }),
      );
      await tx.tape.updateCartridge(barcode, { state: next, updatedAt: now });
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: `tape.${action}`,
        target: `cartridge:${barcode}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: { from: cart.state, to: next, keyRef: cart.keyRef },
      });
    });
    if (action === 'retire') {
      const key = await this.d.store.tape.findKey(cart.keyRef);
      if (key?.barcode === barcode) {
        const secret = await this.d.secrets.get(key.secretId);
        if (secret.state === 'active')
          await this.d.secrets.transition(secret.id, 'deactivate', {
            ...ctx,
            reason: `cartridge ${barcode} retired`,
          });
      }
    }
    return next;
  }
}
