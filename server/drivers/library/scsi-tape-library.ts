import { DriverError } from '../core/driver-error.ts';
import { CallQueue } from '../scsi/call-queue.ts';
import { inquiryCdb, modeSenseCdb } from '../scsi/cdb.ts';
import { decodeInquiry, decodeUnitSerialVpd, PERIPHERAL_TYPE } from '../scsi/inquiry.ts';
import { decodeModeParameters } from '../scsi/mode-data.ts';
import { MAX_TRANSFER_BYTES, type ScsiTransport } from '../scsi/scsi-transport.ts';
import {
  DEFAULT_RETRY_POLICY,
  ScsiCommander,
  type CallOptions,
  type RetryPolicy,
} from '../scsi/scsi-commander.ts';
import {
  ELEMENT_TYPE,
  initializeElementStatusCdb,
  moveMediumCdb,
  readElementStatusCdb,
} from './changer-cdb.ts';
import {
  decodeElementAddressPage,
  ELEMENT_ADDRESS_PAGE,
  type ElementAddressAssignment,
} from './element-address-page.ts';
import { decodeElementStatus } from './element-status.ts';
import { driveMatches, toInventory, toLibraryElement } from './library-inventory.ts';
import type {
  LibraryElement,
  LibraryInventory,
  MoveResult,
  TapeLibraryDriver,
  TapeLibraryIdentity,
} from './tape-library-driver.ts';

export interface ScsiTapeLibraryOptions {
  transport: ScsiTransport;
  retry?: Partial<RetryPolicy>;
}

/** Room per descriptor for the first READ ELEMENT STATUS: 12 + volume tag 36 + DVCID up to 68. */
const DESCRIPTOR_GUESS = 116;

/** `TapeLibraryDriver` over any `ScsiTransport` (see the interface for the contract). */
export class ScsiTapeLibrary implements TapeLibraryDriver {
  readonly #cmd: ScsiCommander;
  readonly #queue = new CallQueue();
  #identity: TapeLibraryIdentity | undefined;
  #map: ElementAddressAssignment | undefined;

  constructor(opts: ScsiTapeLibraryOptions) {
    this.#cmd = new ScsiCommander(opts.transport, { ...DEFAULT_RETRY_POLICY, ...opts.retry });
  }

  get identity(): TapeLibraryIdentity {
    if (!this.#identity || this.#queue.closed) throw new DriverError('SCSI_CLOSED');
    return this.#identity;
  }

  get elementMap(): ElementAddressAssignment {
    if (!this.#map || this.#queue.closed) throw new DriverError('SCSI_CLOSED');
    return this.#map;
  }

  open(opts: CallOptions = {}): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#identity) return;
      const identity = await this.#identify(opts);
      this.#map = await this.#elementMap(opts);
      this.#identity = identity;
    });
  }

  async close(): Promise<void> {
    this.#queue.close();
    await this.#cmd.transport.close();
  }

  identify(opts: CallOptions = {}): Promise<TapeLibraryIdentity> {
    return this.#open(() => this.#identify(opts));
  }

  getInventory(opts: CallOptions = {}): Promise<LibraryInventory> {
    return this.#open(() => this.#inventory(opts));
  }

  findDrive(serial: string, opts: CallOptions = {}): Promise<LibraryElement> {
    return this.#open(async () => this.#drive(await this.#inventory(opts), serial));
  }

  moveMedium(req: { source: number; destination: number }, opts: CallOptions = {}): Promise<void> {
    return this.#open(() => this.#move(req.source, req.destination, opts));
  }

  mount(req: { barcode: string; driveSerial: string }, opts: CallOptions = {}): Promise<MoveResult> {
    return this.#open(async () => {
      const inv = await this.#inventory(opts);
      const drive = this.#drive(inv, req.driveSerial);
      const source = this.#cartridge(inv, req.barcode);
      if (source.address === drive.address)
        return { barcode: req.barcode, source: source.address, destination: drive.address };
      await this.#move(source.address, drive.address, opts);
      return { barcode: req.barcode, source: source.address, destination: drive.address };
    });
  }

  unmount(req: { driveSerial: string; destination?: number }, opts: CallOptions = {}): Promise<MoveResult> {
    return this.#open(async () => {
      const inv = await this.#inventory(opts);
      const drive = this.#drive(inv, req.driveSerial);
      if (!drive.full)
        throw new DriverError('LIBRARY_SOURCE_EMPTY', `drive ${req.driveSerial} holds no cartridge`);
      const home = inv.slots.find((s) => s.address === drive.sourceAddress && !s.full);
      const destination = req.destination ?? home?.address ?? firstEmpty(inv.slots, 'storage slot').address;
      await this.#move(drive.address, destination, opts);
      return { ...(drive.barcode ? { barcode: drive.barcode } : {}), source: drive.address, destination };
    });
  }

  importCartridge(
    req: { ioAddress?: number; destination?: number } = {},
    opts: CallOptions = {},
  ): Promise<MoveResult> {
    return this.#open(async () => {
      const inv = await this.#inventory(opts);
      const io =
        req.ioAddress === undefined
          ? inv.importExport.find((e) => e.full)
          : inv.importExport.find((e) => e.address === req.ioAddress);
      if (!io?.full) throw new DriverError('LIBRARY_SOURCE_EMPTY', 'no cartridge waits in the I/E station');
      const destination = req.destination ?? firstEmpty(inv.slots, 'storage slot').address;
      await this.#move(io.address, destination, opts);
      return { ...(io.barcode ? { barcode: io.barcode } : {}), source: io.address, destination };
    });
  }

  exportCartridge(req: { barcode: string; ioAddress?: number }, opts: CallOptions = {}): Promise<MoveResult> {
    return this.#open(async () => {
      const inv = await this.#inventory(opts);
      const source = this.#cartridge(inv, req.barcode);
      const destination = req.ioAddress ?? firstEmpty(inv.importExport, 'I/E slot').address;
      await this.#move(source.address, destination, opts);
      return { barcode: req.barcode, source: source.address, destination };
    });
  }

  rescan(opts: CallOptions = {}): Promise<void> {
    return this.#open(
      async () => void (await this.#cmd.run({ cdb: initializeElementStatusCdb(), direction: 'none' }, opts)),
    );
  }

  #open<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queue.run(() => {
      if (!this.#identity) throw new DriverError('SCSI_CLOSED', 'the library driver is not open');
      return fn();
    });
  }

  async #identify(opts: CallOptions): Promise<TapeLibraryIdentity> {
    const std = decodeInquiry(
      await this.#dataIn(inquiryCdb({ evpd: false, page: 0, allocationLength: 96 }), 96, opts),
    );
    if (std.deviceType !== PERIPHERAL_TYPE.MEDIUM_CHANGER) {
      throw new DriverError(
        'SCSI_WRONG_DEVICE_TYPE',
        `device type 0x${std.deviceType.toString(16)} is not a media changer`,
        {
          detail: { deviceType: std.deviceType },
        },
      );
    }
    const vpd = decodeUnitSerialVpd(
      await this.#dataIn(inquiryCdb({ evpd: true, page: 0x80, allocationLength: 255 }), 255, opts),
    );
    return { vendor: std.vendor, product: std.product, revision: std.revision, serial: vpd.serial };
  }

  async #elementMap(opts: CallOptions): Promise<ElementAddressAssignment> {
    const cdb = modeSenseCdb({
      form: 6,
      disableBlockDescriptors: true,
      pageControl: 0,
      page: ELEMENT_ADDRESS_PAGE,
      subpage: 0,
      allocationLength: 255,
    });
    const page = decodeModeParameters(await this.#dataIn(cdb, 255, opts), 6).pages.find(
      (p) => p.page === ELEMENT_ADDRESS_PAGE,
    );
    if (!page) throw new DriverError('SCSI_DECODE_FAILED', 'MODE SENSE did not return page 0x1D');
    return decodeElementAddressPage(page.data);
  }

  async #inventory(opts: CallOptions): Promise<LibraryInventory> {
    const map = this.#map!;
    const ranges = [
      [ELEMENT_TYPE.MEDIUM_TRANSPORT, map.transport],
      [ELEMENT_TYPE.STORAGE, map.storage],
      [ELEMENT_TYPE.IMPORT_EXPORT, map.importExport],
      [ELEMENT_TYPE.DATA_TRANSFER, map.dataTransfer],
    ] as const;
    const elements: LibraryElement[] = [];
    for (const [type, range] of ranges) {
      if (range.count === 0) continue;
      for (const e of await this.#readElements(type, range.first, range.count, opts))
        elements.push(toLibraryElement(e));
    }
    return toInventory(elements);
  }

  /** One READ ELEMENT STATUS, asked again at the announced size if the first answer was cut. */
  async #readElements(type: number, first: number, count: number, opts: CallOptions) {
    const ask = async (allocationLength: number) => {
      const cdb = readElementStatusCdb({
        ...{ volTag: type !== ELEMENT_TYPE.MEDIUM_TRANSPORT, elementType: type, startingAddress: first },
        ...{
          numberOfElements: count,
          curData: false,
          dvcid: type === ELEMENT_TYPE.DATA_TRANSFER,
          allocationLength,
        },
      });
      return decodeElementStatus(await this.#dataIn(cdb, allocationLength, opts));
    };
    const guess = Math.min(MAX_TRANSFER_BYTES, 16 + count * DESCRIPTOR_GUESS);
    let report = await ask(guess);
    if (report.truncated) report = await ask(Math.min(MAX_TRANSFER_BYTES, 8 + report.byteCountAvailable));
    return report.pages.flatMap((p) => p.elements);
  }

  #drive(inv: LibraryInventory, serial: string): LibraryElement {
    const drive = inv.drives.find((d) => driveMatches(d, serial));
    if (!drive) {
      throw new DriverError(
        'LIBRARY_ELEMENT_NOT_FOUND',
        `no drive in this library reports serial ${serial} (DVCID)`,
        {
          detail: { serial, reported: inv.drives.map((d) => d.drive?.serial ?? null) },
        },
      );
    }
    return drive;
  }

  #cartridge(inv: LibraryInventory, barcode: string): LibraryElement {
    const want = barcode.trim().toUpperCase();
    // A library set to 6-character volume tags reports the VOLSER without the media id.
    const found = inv.elements.find(
      (e) => e.full && e.barcode !== undefined && (e.barcode === want || e.barcode === want.slice(0, 6)),
    );
    if (!found)
      throw new DriverError('LIBRARY_ELEMENT_NOT_FOUND', `no cartridge ${barcode} in the inventory`, {
        detail: { barcode },
      });
    return found;
  }

  async #move(source: number, destination: number, opts: CallOptions): Promise<void> {
    await this.#cmd.run(
      {
        cdb: moveMediumCdb({ transportAddress: 0, sourceAddress: source, destinationAddress: destination }),
        direction: 'none',
      },
      opts,
    );
  }

  async #dataIn(cdb: Uint8Array, allocationLength: number, opts: CallOptions): Promise<Uint8Array> {
    return (await this.#cmd.run({ cdb, direction: 'in', allocationLength }, opts)).result.dataIn;
  }
}

function firstEmpty(elements: LibraryElement[], what: string): LibraryElement {
  const free = elements.find((e) => !e.full);
  if (!free) throw new DriverError('LIBRARY_DESTINATION_FULL', `no empty ${what}`);
  return free;
}
