// The slot map's cells as plain objects, computed once per inventory: the grid renders them
// with no component and no reactivity per cell (a datacenter library has 1,000 slots).
import type { LibraryElement } from '../../../../shared/schemas/tape.ts';
import { ELEMENT_KIND_LABEL } from './labels.ts';
import { mediaClass, mediaText, type MediaClass } from './media.ts';

export type CellState = 'full' | 'empty' | 'away';

export interface SlotCell {
  address: number;
  kind: LibraryElement['kind'];
  /** 1-based position among elements of its kind, as a library's panel numbers slots. */
  number: number;
  state: CellState;
  barcode: string | null;
  media: MediaClass | null;
  accessible: boolean;
  exception: string | null;
  /** Its class list, joined once here rather than on every render. */
  cls: string;
  /** Everything about the cell in one sentence (tooltip and accessible name). */
  title: string;
}

/**
 * Cells for the elements of one kind, in address order. A storage slot whose cartridge sits in
 * a drive (the drive's source address) is `away` and names that cartridge.
 */
export function slotCells(elements: readonly LibraryElement[], kind: LibraryElement['kind']): SlotCell[] {
  const away = new Map<number, string>();
  for (const e of elements)
    if (e.kind === 'drive' && e.full && e.sourceAddress !== null) away.set(e.sourceAddress, e.barcode ?? '');
  return elements
    .filter((e) => e.kind === kind)
    .sort((a, b) => a.address - b.address)
    .map((e, i) => {
      const media = e.full ? mediaClass(e) : null;
      const state: CellState = e.full ? 'full' : away.has(e.address) ? 'away' : 'empty';
      const barcode = e.full ? e.barcode : (away.get(e.address) ?? null) || null;
      const cls = [
        'cell',
        `is-${state}`,
        media ? `media-${media}` : '',
        e.accessible ? '' : 'is-inaccessible',
        e.exception ? 'is-exception' : '',
      ]
        .filter(Boolean)
        .join(' ');
      return {
        address: e.address,
        kind: e.kind,
        number: i + 1,
        state,
        barcode,
        media,
        accessible: e.accessible,
        exception: e.exception,
        cls,
        title: cellTitle(e, i + 1, state, barcode),
      };
    });
}

function cellTitle(e: LibraryElement, n: number, state: CellState, barcode: string | null): string {
  const where = `${ELEMENT_KIND_LABEL[e.kind]} ${n} (element ${e.address})`;
  const what =
    state === 'full'
      ? `${e.barcode ?? 'no barcode'}, ${mediaText(e)}`
      : state === 'away'
        ? `empty, ${barcode ? `${barcode} is` : 'its cartridge is'} in a drive`
        : 'empty';
  const flags = [e.accessible ? '' : 'not accessible', e.exception ? `exception ${e.exception}` : '']
    .filter(Boolean)
    .join(', ');
  return `${where}: ${what}${flags ? `; ${flags}` : ''}`;
}

/** Addresses of cells whose barcode contains `needle` (case-insensitive); empty needle → none. */
export function matchingAddresses(cells: readonly SlotCell[], needle: string): ReadonlySet<number> {
  const n = needle.trim().toUpperCase();
  if (!n) return new Set();
  return new Set(cells.filter((c) => c.barcode?.includes(n)).map((c) => c.address));
}
