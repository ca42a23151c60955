import { parseBarcode } from '../tape/lto-media.ts';
import type { ElementDescriptor } from './element-status.ts';
import { identifierText } from './element-status.ts';
import type { ElementKind, LibraryElement, LibraryInventory } from './tape-library-driver.ts';

/** READ ELEMENT STATUS descriptors → the driver's element records (pure). */
const KINDS: Record<number, ElementKind> = { 1: 'transport', 2: 'storage', 3: 'import-export', 4: 'drive' };

export function toLibraryElement(e: ElementDescriptor): LibraryElement {
  const kind = KINDS[e.elementType] ?? 'storage';
  const out: LibraryElement = {
    kind,
    address: e.address,
    full: e.full,
    mediumType: e.mediumType,
    accessible: e.access,
  };
  const label = e.primaryVolumeTag?.identifier;
  if (e.full && label) {
    out.barcode = label;
    const info = parseBarcode(label);
    if (info.mediaId !== '') out.mediaId = info.mediaId;
    if (info.kind !== 'unknown') out.cartridgeKind = info.kind;
    if (info.generation) out.generation = info.generation.generation;
  }
  if (e.sourceAddress !== undefined) out.sourceAddress = e.sourceAddress;
  if (e.except) out.exception = { asc: e.asc, ascq: e.ascq };
  if (kind === 'import-export') out.placedByOperator = e.impExp;
  if (kind === 'drive' && e.identifier) {
    const drive = driveIdentity(e.identifier.identifierType, identifierText(e.identifier));
    if (drive) out.drive = drive;
  }
  return out;
}

/**
 * DVCID (reference §5.4): identifier type 1 is the T10 form vendor(8) + product(16) + serial;
 * type 0 is usually the bare serial. Libraries pad differently, so fields are trimmed.
 */
function driveIdentity(type: number, text: string | undefined): LibraryElement['drive'] | undefined {
  if (text === undefined) return undefined;
  if (type === 1 && text.length > 24) {
    return {
      vendor: text.slice(0, 8).trim(),
      product: text.slice(8, 24).trim(),
      serial: text.slice(24).trim(),
    };
  }
  const serial = text.trim();
  return serial === '' ? undefined : { serial };
}

export function toInventory(elements: LibraryElement[]): LibraryInventory {
  const of = (k: ElementKind) => elements.filter((e) => e.kind === k);
  return {
    elements,
    transport: of('transport'),
    slots: of('storage'),
    importExport: of('import-export'),
    drives: of('drive'),
  };
}

/**
 * Matches a drive's VPD 0x80 serial against DVCID. Exact after trimming padding: a fuzzy match
 * could hand a key to the wrong drive.
 */
export function driveMatches(e: LibraryElement, serial: string): boolean {
  return e.drive !== undefined && e.drive.serial === serial.trim();
}
