import type { LibraryElement, TapeDrive, TapeLibrary } from '../../../shared/schemas/tape.ts';
import type { TapeLibraryDriver } from '../../drivers/library/tape-library-driver.ts';
import type { TapeDriveDriver } from '../../drivers/tape/tape-drive-driver.ts';
import { AppError } from '../../domain/errors.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { tapeCall } from './tape-errors.ts';
import type { TapeDeviceHandle, TapeFleetPort } from './tape-port.ts';
import {
  doorOpenOf,
  EMPTY_COUNTS,
  libraryCounts,
  toElementDto,
  toEncryptionDto,
  toMediumDto,
  toStatusDto,
} from './tape-snapshots.ts';

interface LibraryEntry {
  handle: TapeDeviceHandle<TapeLibraryDriver>;
  dto: TapeLibrary;
  elements: LibraryElement[];
  fingerprint: string;
}

interface DriveEntry {
  handle: TapeDeviceHandle<TapeDriveDriver>;
  dto: TapeDrive;
  fingerprint: string;
}

/** Drives read at once during a refresh (each is a few SCSI commands). */
const DRIVE_CONCURRENCY = 8;

/**
 * What the tape estate looks like now: libraries with their element maps and drives with
 * identity, capabilities, medium and encryption status, read from the devices (the hardware
 * is the source of truth; nothing here is persisted). A refresh re-reads everything, pushes
 * `device:updated` for each device whose view changed, and keeps the last known identity of a
 * device that stopped answering so the views can say which one is gone.
 */
export class TapeInventoryService {
  private readonly libraries: LibraryEntry[];
  private readonly drives: DriveEntry[];
  private running: Promise<void> | undefined;
  private readonly libraryListeners: ((serial: string) => Promise<unknown>)[] = [];

  constructor(
    private readonly d: { port: TapeFleetPort; events: DomainEvents; clock: Clock; logger: Logger },
  ) {
    const now = this.now();
    this.libraries = d.port.libraries.map((handle) => ({
      handle,
      elements: [],
      fingerprint: '',
      dto: {
        serial: null,
        ref: handle.ref,
        vendor: null,
        product: null,
        revision: null,
        reachable: false,
        doorOpen: false,
        error: null,
        counts: EMPTY_COUNTS,
        inventoryVersion: 0,
        updatedAt: now,
      },
    }));
    this.drives = d.port.drives.map((handle) => ({
      handle,
      fingerprint: '',
      dto: {
        serial: null,
        ref: handle.ref,
        vendor: null,
        product: null,
        revision: null,
        reachable: false,
        error: null,
        library: null,
        encryption: null,
        medium: null,
        status: null,
        updatedAt: now,
      },
    }));
  }

  /** Called after each successful read of a library (auto-enrollment of imported cartridges). */
  onLibraryRead(fn: (serial: string) => Promise<unknown>): void {
    this.libraryListeners.push(fn);
  }

  /** Re-reads every library and drive; concurrent callers share one run. */
  refresh(): Promise<void> {
    this.running ??= this.refreshAll().finally(() => (this.running = undefined));
    return this.running;
  }

  listLibraries(): TapeLibrary[] {
    return this.libraries.map((e) => e.dto);
  }

  listDrives(): TapeDrive[] {
    return this.drives.map((e) => e.dto);
  }

  /** As `library`, reading the estate first when this serial has not been seen yet (after a start). */
  async libraryFresh(serial: string): Promise<ReturnType<TapeInventoryService['library']>> {
    if (!this.libraries.some((l) => l.dto.serial === serial)) await this.refresh();
    return this.library(serial);
  }

  library(serial: string): { dto: TapeLibrary; elements: LibraryElement[]; driver: TapeLibraryDriver } {
    const e = this.libraries.find((l) => l.dto.serial === serial);
    if (!e) throw new AppError('DEVICE_NOT_FOUND', `No tape library with serial ${serial}`);
    return { dto: e.dto, elements: e.elements, driver: e.handle.driver };
  }

  drive(serial: string): { dto: TapeDrive; driver: TapeDriveDriver } {
    const e = this.drives.find((x) => x.dto.serial === serial);
    if (!e) throw new AppError('DEVICE_NOT_FOUND', `No tape drive with serial ${serial}`);
    return { dto: e.dto, driver: e.handle.driver };
  }

  /** The library whose element map holds the drive with this serial (DVCID). */
  libraryOfDrive(driveSerial: string): LibraryEntry['dto'] | undefined {
    return this.libraries.find((l) => l.elements.some((e) => e.driveSerial === driveSerial))?.dto;
  }

  /** Re-reads one library, then the drives it holds (after a move). */
  async refreshLibrary(serial: string): Promise<TapeLibrary> {
    const entry = this.libraries.find((l) => l.dto.serial === serial);
    if (!entry) throw new AppError('DEVICE_NOT_FOUND', `No tape library with serial ${serial}`);
    await this.readLibrary(entry);
    const inLibrary = new Set(entry.elements.map((e) => e.driveSerial).filter(Boolean));
    await Promise.all(
      this.drives
        .filter((dr) => dr.dto.serial && inLibrary.has(dr.dto.serial))
        .map((dr) => this.readDrive(dr)),
    );
    return entry.dto;
  }

  async refreshDrive(serial: string): Promise<TapeDrive> {
    const entry = this.drives.find((x) => x.dto.serial === serial);
    if (!entry) throw new AppError('DEVICE_NOT_FOUND', `No tape drive with serial ${serial}`);
    await this.readDrive(entry);
    return entry.dto;
  }

  count(): { drives: number; libraries: number } {
    return { drives: this.drives.length, libraries: this.libraries.length };
  }

  private async refreshAll(): Promise<void> {
    await Promise.all(this.libraries.map((l) => this.readLibrary(l)));
    const queue = [...this.drives];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.readDrive(next);
    };
    await Promise.all(Array.from({ length: Math.min(DRIVE_CONCURRENCY, queue.length) }, worker));
  }

  private async readLibrary(entry: LibraryEntry): Promise<void> {
    const { driver } = entry.handle;
    let next: TapeLibrary;
    let elements = entry.elements;
    try {
      const inv = await tapeCall(`read library ${entry.dto.serial ?? entry.handle.ref}`, async () => {
        await driver.open();
        return driver.getInventory();
      });
      const id = driver.identity;
      elements = inv.elements.map(toElementDto);
      next = {
        ...entry.dto,
        serial: id.serial,
        vendor: id.vendor,
        product: id.product,
        revision: id.revision,
        reachable: true,
        doorOpen: doorOpenOf(inv),
        error: null,
        counts: libraryCounts(inv),
      };
    } catch (err) {
      next = { ...entry.dto, reachable: false, error: this.errorOf(err, entry.handle.ref) };
    }
    const elementsChanged = JSON.stringify(elements) !== JSON.stringify(entry.elements);
    if (elementsChanged) next.inventoryVersion = entry.dto.inventoryVersion + 1;
    entry.elements = elements;
    this.publish(entry, next, 'tape-library');
    if (next.reachable && next.serial) {
      for (const fn of this.libraryListeners) {
        await fn(next.serial).catch((err: unknown) =>
          this.d.logger.warn({ err, library: next.serial }, 'library listener failed'),
        );
      }
    }
  }

  private async readDrive(entry: DriveEntry): Promise<void> {
    const { driver } = entry.handle;
    let next: TapeDrive;
    try {
      const read = await tapeCall(`read tape drive ${entry.dto.serial ?? entry.handle.ref}`, async () => {
        await driver.open();
        const medium = await driver.getMediumState();
        // AVFMV and the usable algorithm depend on the loaded cartridge: re-read when one is in.
        const caps = medium.loaded ? await driver.getCapabilities() : driver.capabilities;
        const status = caps.encryption ? await driver.getEncryptionStatus() : null;
        return { medium, caps, status };
      });
      const id = driver.identity;
      const place = this.placeOf(id.serial);
      next = {
        ...entry.dto,
        serial: id.serial,
        vendor: id.vendor,
        product: id.product,
        revision: id.revision,
        reachable: true,
        error: null,
        library: place ? { serial: place.library, elementAddress: place.element.address } : null,
        encryption: toEncryptionDto(read.caps),
        medium: toMediumDto(read.medium, place?.element.barcode ?? null),
        status: read.status && toStatusDto(read.status),
      };
    } catch (err) {
      next = { ...entry.dto, reachable: false, error: this.errorOf(err, entry.handle.ref) };
    }
    this.publish(entry, next, 'tape-drive');
  }

  private placeOf(driveSerial: string): { library: string; element: LibraryElement } | undefined {
    for (const l of this.libraries) {
      const element = l.elements.find((e) => e.kind === 'drive' && e.driveSerial === driveSerial);
      if (element && l.dto.serial) return { library: l.dto.serial, element };
    }
    return undefined;
  }

  /** Stores the new view and pushes it when anything but the timestamp changed. */
  private publish<T extends TapeLibrary | TapeDrive>(
    entry: { dto: T; fingerprint: string; handle: { ref: string } },
    next: T,
    kind: 'tape-library' | 'tape-drive',
  ): void {
    const fingerprint = JSON.stringify({ ...next, updatedAt: undefined });
    if (fingerprint === entry.fingerprint) return;
    entry.fingerprint = fingerprint;
    entry.dto = { ...next, updatedAt: this.now() };
    this.d.events.emit('device:updated', {
      id: `${kind}:${next.serial ?? entry.handle.ref}`,
      kind,
      ...entry.dto,
    });
  }

  private errorOf(err: unknown, ref: string): { code: string; message: string } {
    if (err instanceof AppError) return { code: err.code, message: err.message };
    this.d.logger.error({ err, ref }, 'unexpected error reading a tape device');
    return { code: 'INTERNAL_ERROR', message: 'unexpected error reading the device (see the server log)' };
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }
}
