// LTO media for the slot map: which colour a cartridge gets and which drives can take it. The
// server stays the authority (a library refuses an incompatible move with
// TAPE_INCOMPATIBLE_MEDIUM); this only keeps the mount dialog from offering drives that would.
import type { LibraryElement, TapeDrive } from '../../../../shared/schemas/tape.ts';

/** Colour classes of the slot map, one per legend entry. */
export type MediaClass = 'l9' | 'l8' | 'older' | 'worm' | 'cleaning' | 'other';

export const MEDIA_LEGEND: readonly { cls: MediaClass; label: string }[] = [
  { cls: 'l9', label: 'LTO-9 data (L9)' },
  { cls: 'l8', label: 'LTO-8 data (L8)' },
  { cls: 'older', label: 'Older data (L7, M8, …)' },
  { cls: 'worm', label: 'WORM (LZ, LY, …)' },
  { cls: 'cleaning', label: 'Cleaning (CLN)' },
  { cls: 'other', label: 'Unknown or diagnostic' },
];

export type Cartridge = Pick<
  LibraryElement,
  'cartridgeKind' | 'mediumType' | 'generation' | 'mediaId' | 'barcode'
>;

const WORM_IDS = 'TUVWXYZ'; // LT = LTO-3 WORM … LZ = LTO-9 WORM

/** What a volume label says (`A00001L9`, `W00001LZ`, `CLN001L1`), where only the label is known. */
export function cartridgeOfBarcode(barcode: string): Cartridge {
  const mediaId = barcode.length === 8 ? barcode.slice(6) : null;
  const worm = mediaId !== null && mediaId[0] === 'L' && WORM_IDS.includes(mediaId[1]!);
  const kind = barcode.startsWith('CLN') ? 'cleaning' : worm ? 'worm' : mediaId ? 'data' : null;
  let generation: number | null = null;
  if (kind === 'worm') generation = WORM_IDS.indexOf(mediaId![1]!) + 3;
  else if (kind === 'data' && mediaId === 'M8') generation = 7;
  else if (kind === 'data' && /^[LP][1-9A]$/.test(mediaId!)) generation = parseInt(mediaId![1]!, 16);
  return { barcode, mediaId, cartridgeKind: kind, generation, mediumType: kind ?? 'unspecified' };
}

/** What a full element holds, for the colour: cleaning and WORM first, then data by generation. */
export function mediaClass(c: Cartridge): MediaClass {
  const kind = c.cartridgeKind ?? c.mediumType;
  if (kind === 'cleaning' || c.barcode?.startsWith('CLN')) return 'cleaning';
  if (kind === 'worm') return 'worm';
  if (kind !== 'data' || c.generation === null) return 'other';
  if (c.generation >= 9) return 'l9';
  return c.generation === 8 && c.mediaId !== 'M8' ? 'l8' : 'older';
}

/** `LTO-9 data`, `LTO-9 WORM`, `cleaning`, `unknown medium`. */
export function mediaText(c: Cartridge): string {
  const kind = c.cartridgeKind ?? c.mediumType;
  if (kind === 'cleaning' || c.barcode?.startsWith('CLN')) return 'cleaning';
  const gen = c.generation === null ? '' : `LTO-${c.mediaId === 'M8' ? '7 Type M' : c.generation} `;
  if (kind === 'worm') return `${gen}WORM`;
  if (kind === 'data') return `${gen}data`;
  return kind === 'diagnostic' ? 'diagnostic' : 'unknown medium';
}

/**
 * The LTO generation of a drive from its INQUIRY product: IBM `ULT3580-HH9`/`TD8`, HPE
 * `Ultrium 8-SCSI`, Quantum `ULTRIUM-HH9` (generation `A` is LTO-10). Null when not recognised.
 */
export function driveGeneration(drive: Pick<TapeDrive, 'product'>): number | null {
  const product = drive.product?.trim() ?? '';
  const m = /(?:HH|TD|FH)([1-9A])$/i.exec(product) ?? /Ultrium[ -]?([1-9]|10)\b/i.exec(product);
  if (!m?.[1]) return null;
  return m[1].toUpperCase() === 'A' ? 10 : Number(m[1]);
}

/** Generations a drive reads and writes, and reads only (LTO-8 and later read one generation back). */
const DRIVE_MEDIA: Readonly<Record<number, { readWrite: readonly number[]; readOnly: readonly number[] }>> = {
  4: { readWrite: [4, 3], readOnly: [2] },
  5: { readWrite: [5, 4], readOnly: [3] },
  6: { readWrite: [6, 5], readOnly: [4] },
  7: { readWrite: [7, 6], readOnly: [5] },
  8: { readWrite: [8, 7], readOnly: [] },
  9: { readWrite: [9, 8], readOnly: [] },
  10: { readWrite: [10], readOnly: [] },
};

export type MediaAccess = 'read-write' | 'read-only' | 'cleaning' | 'none' | 'unknown';

/** Whether a drive of `driveGen` can take the cartridge. M8 (LTO-7 Type M) needs an LTO-8 drive. */
export function mediaAccess(driveGen: number | null, c: Cartridge): MediaAccess {
  if (mediaClass(c) === 'cleaning') return 'cleaning';
  if (driveGen === null || c.generation === null) return 'unknown';
  if (c.mediaId === 'M8') return driveGen === 8 ? 'read-write' : 'none';
  const table = DRIVE_MEDIA[driveGen];
  if (!table) return 'unknown';
  if (table.readWrite.includes(c.generation)) return 'read-write';
  return table.readOnly.includes(c.generation) ? 'read-only' : 'none';
}

/** One drive the mount dialog lists, with whether it can take the cartridge. */
export interface MountCandidate {
  element: LibraryElement;
  drive: TapeDrive | null;
  access: MediaAccess;
}

/** Whether a candidate may be chosen: empty, reachable, and able to read the cartridge. */
export const canMountInto = (c: MountCandidate): boolean =>
  !c.element.full && c.access !== 'none' && c.element.accessible && c.drive?.reachable !== false;

const RANK: Record<MediaAccess, number> = {
  'read-write': 0,
  cleaning: 0,
  'read-only': 1,
  unknown: 2,
  none: 3,
};

/** The library's drives, those that can take `cartridge` now first (then by element address). */
export function mountCandidates(
  cartridge: Cartridge,
  elements: readonly LibraryElement[],
  drivesBySerial: ReadonlyMap<string, TapeDrive>,
): MountCandidate[] {
  return elements
    .filter((e) => e.kind === 'drive' && e.driveSerial !== null)
    .map((element) => {
      const drive = drivesBySerial.get(element.driveSerial!) ?? null;
      return { element, drive, access: mediaAccess(drive && driveGeneration(drive), cartridge) };
    })
    .sort(
      (a, b) =>
        Number(canMountInto(b)) - Number(canMountInto(a)) ||
        RANK[a.access] - RANK[b.access] ||
        a.element.address - b.element.address,
    );
}
