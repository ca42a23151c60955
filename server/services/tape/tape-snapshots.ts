import type { LibraryElement, TapeDrive, TapeLibrary } from '../../../shared/schemas/tape.ts';
import type {
  LibraryElement as DriverElement,
  LibraryInventory as DriverInventory,
} from '../../drivers/library/tape-library-driver.ts';
import type {
  TapeDriveCapabilities,
  TapeEncryptionStatus,
  TapeMediumState,
} from '../../drivers/tape/tape-drive-driver.ts';

/**
 * Pure mapping from what the drivers read to what the API shows. Kept apart from the service
 * so the shapes are tested without devices.
 */
const MEDIUM_TYPES = ['unspecified', 'data', 'cleaning', 'diagnostic', 'worm'] as const;

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

export function toElementDto(e: DriverElement): LibraryElement {
  return {
    kind: e.kind,
    address: e.address,
    full: e.full,
    barcode: e.barcode ?? null,
    mediaId: e.mediaId ?? null,
    cartridgeKind: e.full ? (e.cartridgeKind ?? null) : null,
    generation: e.generation ?? null,
    mediumType: MEDIUM_TYPES[e.mediumType] ?? 'unspecified',
    sourceAddress: e.sourceAddress ?? null,
    accessible: e.accessible,
    exception: e.exception ? `ASC/ASCQ ${hex2(e.exception.asc)}/${hex2(e.exception.ascq)}` : null,
    driveSerial: e.drive?.serial ?? null,
  };
}

export function libraryCounts(inv: DriverInventory): TapeLibrary['counts'] {
  return {
    slots: inv.slots.length,
    fullSlots: inv.slots.filter((e) => e.full).length,
    drives: inv.drives.length,
    loadedDrives: inv.drives.filter((e) => e.full).length,
    importExport: inv.importExport.length,
    fullImportExport: inv.importExport.filter((e) => e.full).length,
    cleaning: inv.elements.filter((e) => e.full && e.cartridgeKind === 'cleaning').length,
  };
}

export const EMPTY_COUNTS: TapeLibrary['counts'] = {
  slots: 0,
  fullSlots: 0,
  drives: 0,
  loadedDrives: 0,
  importExport: 0,
  fullImportExport: 0,
  cleaning: 0,
};

/** The robot reaches no storage slot: the door is open (SMC ACCESS = 0 everywhere). */
export function doorOpenOf(inv: DriverInventory): boolean {
  return inv.slots.length > 0 && inv.slots.every((e) => !e.accessible);
}

export function toEncryptionDto(c: TapeDriveCapabilities): NonNullable<TapeDrive['encryption']> {
  return {
    supported: c.encryption && c.algorithmIndex !== undefined,
    hostControlled: c.hostControlled,
    algorithmIndex: c.algorithmIndex ?? null,
    maxKeyIdLength: c.maxUkadLength,
  };
}

export function toMediumDto(m: TapeMediumState, barcode: string | null): NonNullable<TapeDrive['medium']> {
  return {
    loaded: m.loaded,
    ready: m.ready,
    condition: m.condition,
    writeProtected: m.writeProtected ?? null,
    barcode,
  };
}

export function toStatusDto(s: TapeEncryptionStatus): NonNullable<TapeDrive['status']> {
  return {
    encrypting: s.encrypting,
    decryptionMode: s.decryptionMode,
    scope: s.scope,
    keyInstanceCounter: s.keyInstanceCounter,
    parametersControl: s.parametersControl,
    keyId: s.keyId ?? null,
  };
}
