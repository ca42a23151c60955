import { DRIVE_MEDIA_ACCESS, LTO_GENERATIONS, type LtoGeneration } from './data/lto-generations.ts';

/**
 * What a barcode says about a cartridge (reference §6.3): 6-character VOLSER + 2-character
 * media id; `CLN` prefix = cleaning; `LT`…`LZ` = WORM; `M8` = LTO-7 Type M.
 */
export type CartridgeKind = 'data' | 'worm' | 'cleaning' | 'diagnostic' | 'unknown';

export interface BarcodeInfo {
  barcode: string;
  volser: string;
  /** The last two characters of an 8-character label; '' when the library reports 6. */
  mediaId: string;
  kind: CartridgeKind;
  generation?: LtoGeneration;
}

export function parseBarcode(barcode: string): BarcodeInfo {
  const label = barcode.trim().toUpperCase();
  const mediaId = label.length === 8 ? label.slice(6) : '';
  const volser = label.length === 8 ? label.slice(0, 6) : label;
  const byData = LTO_GENERATIONS.find((g) => g.dataLabel === mediaId);
  const byWorm = LTO_GENERATIONS.find((g) => g.wormLabel === mediaId);
  const kind: CartridgeKind = volser.startsWith('CLN')
    ? 'cleaning'
    : volser.startsWith('DG')
      ? 'diagnostic'
      : byWorm
        ? 'worm'
        : byData
          ? 'data'
          : 'unknown';
  const generation = kind === 'data' ? byData : kind === 'worm' ? byWorm : undefined;
  return { barcode: label, volser, mediaId, kind, ...(generation ? { generation } : {}) };
}

/** The data media id a WORM id stands for ('LY' → 'L8'). */
function dataIdOf(mediaId: string): string {
  return LTO_GENERATIONS.find((g) => g.wormLabel === mediaId)?.dataLabel ?? mediaId;
}

/** Whether a drive generation can use a cartridge: cleaning cartridges fit every drive. */
export function mediaAccess(
  driveGeneration: number,
  barcode: string,
): 'read-write' | 'read-only' | 'cleaning' | 'none' {
  const info = parseBarcode(barcode);
  if (info.kind === 'cleaning') return 'cleaning';
  const table = DRIVE_MEDIA_ACCESS[driveGeneration];
  if (!table || info.mediaId === '') return 'none';
  const id = dataIdOf(info.mediaId);
  if (table.readWrite.includes(id)) return 'read-write';
  if (table.readOnly.includes(id)) return 'read-only';
  return 'none';
}

/** Medium type code for READ ELEMENT STATUS byte 9 (1 data, 2 cleaning, 3 diagnostic, 4 WORM). */
export function smcMediumType(kind: CartridgeKind): number {
  return { data: 1, cleaning: 2, diagnostic: 3, worm: 4, unknown: 0 }[kind];
}
