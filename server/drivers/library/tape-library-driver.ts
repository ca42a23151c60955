import type { CallOptions } from '../scsi/scsi-commander.ts';
import type { CartridgeKind } from '../tape/lto-media.ts';
import type { ElementAddressAssignment } from './element-address-page.ts';

/**
 * The tape library (SMC media changer) contract (ARCHITECTURE.md §3; reference lto-scsi.md
 * §5.2-5.4). One implementation, `ScsiTapeLibrary`, runs over any `ScsiTransport`.
 *
 * Rules for every method (as for TapeDriveDriver):
 * - It rejects only with `DriverError`; CHECK CONDITIONs carry the decoded sense in `detail`.
 * - Before `open()` and after `close()`: `SCSI_CLOSED`. Calls are serialised per driver.
 * - UNIT ATTENTION 6/28/00 (door closed: inventory may have changed) and 6/28/01 (I/E station
 *   used) are retried inside the call; the inventory read after them is fresh. 6/29/00 too.
 * - A move that the library refuses changes nothing: `LIBRARY_DESTINATION_FULL` (5/3B/0D),
 *   `LIBRARY_SOURCE_EMPTY` (5/3B/0E), `LIBRARY_INVALID_ELEMENT` (5/21/01),
 *   `LIBRARY_MEDIUM_REMOVAL_PREVENTED` (5/53/02: the tape is still threaded in a drive whose
 *   library does not auto-unload — unload it through the TapeDriveDriver first),
 *   `TAPE_INCOMPATIBLE_MEDIUM` (a generation the drive cannot read), `SCSI_NOT_READY`
 *   (door open: 2/04/03, not retryable).
 * - `opts.timeoutMs` bounds the whole call; MOVE MEDIUM itself may take minutes on a big library.
 */
export interface TapeLibraryDriver {
  /** Read by `open()`; throws `SCSI_CLOSED` before. */
  readonly identity: TapeLibraryIdentity;
  /** Read by `open()` (MODE SENSE page 0x1D). */
  readonly elementMap: ElementAddressAssignment;

  /** INQUIRY (must be a medium changer: else `SCSI_WRONG_DEVICE_TYPE`), VPD 0x80, page 0x1D. */
  open(opts?: CallOptions): Promise<void>;
  close(): Promise<void>;
  identify(opts?: CallOptions): Promise<TapeLibraryIdentity>;

  /** READ ELEMENT STATUS of every element type, with volume tags, and DVCID for drives. */
  getInventory(opts?: CallOptions): Promise<LibraryInventory>;
  /** The data-transfer element whose DVCID serial is `serial` (VPD 0x80 of the drive). */
  findDrive(serial: string, opts?: CallOptions): Promise<LibraryElement>;

  /** MOVE MEDIUM with the default picker. */
  moveMedium(req: { source: number; destination: number }, opts?: CallOptions): Promise<void>;
  /** The cartridge with `barcode`, from wherever it is, into the drive with `driveSerial`. */
  mount(req: { barcode: string; driveSerial: string }, opts?: CallOptions): Promise<MoveResult>;
  /** The cartridge in the drive back to its source slot (or `destination`, or the first empty slot). */
  unmount(req: { driveSerial: string; destination?: number }, opts?: CallOptions): Promise<MoveResult>;
  /** From an I/E slot (the first full one by default) into a storage slot (first empty by default). */
  importCartridge(
    req?: { ioAddress?: number; destination?: number },
    opts?: CallOptions,
  ): Promise<MoveResult>;
  /** The cartridge with `barcode` into an I/E slot (the first empty one by default). */
  exportCartridge(req: { barcode: string; ioAddress?: number }, opts?: CallOptions): Promise<MoveResult>;
  /** INITIALIZE ELEMENT STATUS: the library re-scans every barcode (may take minutes). */
  rescan(opts?: CallOptions): Promise<void>;
}

export interface TapeLibraryIdentity {
  vendor: string;
  product: string;
  revision: string;
  serial: string;
}

export type ElementKind = 'transport' | 'storage' | 'import-export' | 'drive';

export interface LibraryElement {
  kind: ElementKind;
  address: number;
  full: boolean;
  /** The volume tag as the library reports it (6 or 8 characters). */
  barcode?: string;
  /** From an 8-character label: the media id ('L9') and what it says. */
  mediaId?: string;
  cartridgeKind?: CartridgeKind;
  generation?: number;
  /** SMC MEDIUM TYPE: 1 data, 2 cleaning, 3 diagnostic, 4 WORM (0 unspecified). */
  mediumType: number;
  /** Where the cartridge came from (SVALID). */
  sourceAddress?: number;
  /** ACCESS: the robot can reach it (false with the door open). */
  accessible: boolean;
  /** EXCEPT with the library's ASC/ASCQ (vendor values, e.g. unreadable barcode). */
  exception?: { asc: number; ascq: number };
  /** I/E only: placed by an operator, not the robot (IMPEXP). */
  placedByOperator?: boolean;
  /** Drives only: what DVCID says. */
  drive?: { serial: string; vendor?: string; product?: string };
}

export interface LibraryInventory {
  elements: LibraryElement[];
  transport: LibraryElement[];
  slots: LibraryElement[];
  importExport: LibraryElement[];
  drives: LibraryElement[];
}

export interface MoveResult {
  barcode?: string;
  source: number;
  destination: number;
}
