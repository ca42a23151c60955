// What a crypto-shred from the Tapes page names: one cartridge (its row), or what the current
// filter shows (its pool, else a barcode range the person can still edit in the dialog).
import type { Cartridge, TapePool } from '../../../../shared/schemas/cartridges.ts';
import type { EraseSubject } from '../../composables/useEraseRequest.ts';
import type { CartridgeFilters } from '../../stores/cartridges.ts';

export function shredOne(cartridge: Pick<Cartridge, 'barcode'>): EraseSubject {
  return {
    media: 'tape',
    label: `cartridge ${cartridge.barcode}`,
    targets: { kind: 'cartridges', barcodes: [cartridge.barcode] },
  };
}

/**
 * The bulk target for the current filter: the filtered pool (every live cartridge in it), else
 * a range from the first to the last barcode listed; null when nothing is listed.
 */
export function shredFiltered(
  filters: CartridgeFilters,
  poolsById: ReadonlyMap<string, Pick<TapePool, 'name'>>,
  listed: readonly Pick<Cartridge, 'barcode'>[],
): EraseSubject | null {
  if (filters.pool) {
    const name = poolsById.get(filters.pool)?.name ?? filters.pool;
    return {
      media: 'tape',
      label: `every live cartridge of pool ${name}`,
      targets: { kind: 'pool', poolId: filters.pool },
    };
  }
  const barcodes = listed.map((c) => c.barcode).sort();
  const [from, to] = [barcodes[0], barcodes[barcodes.length - 1]];
  if (from === undefined || to === undefined) return null;
  return { media: 'tape', label: 'a barcode range', targets: { kind: 'cartridge-range', from, to } };
}
