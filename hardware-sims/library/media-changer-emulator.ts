import { decodeMoveMediumCdb, decodeReadElementStatusCdb } from '../../server/drivers/library/changer-cdb.ts';
import {
  ELEMENT_ADDRESS_PAGE,
  encodeElementAddressPage,
} from '../../server/drivers/library/element-address-page.ts';
import {
  encodeElementStatus,
  type ElementPageInput,
} from '../../server/drivers/library/element-status-encode.ts';
import { decodeInquiryCdb, decodeModeSenseCdb } from '../../server/drivers/scsi/cdb.ts';
import {
  encodeDeviceIdentificationVpd,
  encodeInquiry,
  encodeUnitSerialVpd,
  PERIPHERAL_TYPE,
} from '../../server/drivers/scsi/inquiry.ts';
import { encodeModeParameters } from '../../server/drivers/scsi/mode-data.ts';
import { OPCODE } from '../../server/drivers/scsi/opcodes.ts';
import { mediaAccess } from '../../server/drivers/tape/lto-media.ts';
import { EmulatedDevice, SENSE } from '../scsi/emulated-device.ts';
import type { TargetRequest, TargetResponse } from '../scsi/scsi-target.ts';
import type { CartridgeState } from '../tape/cartridge.ts';
import type { LtoDriveEmulator } from '../tape/lto-drive-emulator.ts';
import { LIBRARY_MODELS, type LibraryModel, type LibraryModelKey } from './data/library-models.ts';
import {
  addressAssignment,
  describeElement,
  elementViews,
  type ElementView,
  type LibraryState,
} from './element-map.ts';

const DOOR_OPEN = { senseKey: 2, asc: 0x04, ascq: 0x03 };
const IMPORT_EXPORT_ACCESSED = { senseKey: 6, asc: 0x28, ascq: 0x01 };

/**
 * An SMC media changer (reference §5.2-5.3): picker, storage slots, I/E ports and the drives
 * (LtoDriveEmulator instances, which hold the cartridge while it is in them). MOVE MEDIUM
 * checks addresses, full/empty elements, threaded tapes and generation compatibility; the
 * operator side (door, I/E port) raises the unit attentions a real library raises.
 */
export class MediaChangerEmulator extends EmulatedDevice {
  readonly model: LibraryModel;
  readonly state: LibraryState;
  readonly drives: readonly LtoDriveEmulator[];

  constructor(state: LibraryState, drives: readonly LtoDriveEmulator[]) {
    super();
    this.model = LIBRARY_MODELS[state.model as LibraryModelKey];
    if (!this.model) throw new Error(`unknown library model ${state.model}`);
    this.state = state;
    this.drives = state.driveSerials.map((serial) => {
      const d = drives.find((x) => x.serial === serial);
      if (!d) throw new Error(`library ${state.name}: no drive with serial ${serial}`);
      return d;
    });
  }

  get elements(): ElementView[] {
    return elementViews(this.model, this.state, this.drives);
  }

  /** Operator: open the main door (the robot stops; commands answer 2/04/03). */
  openDoor(): void {
    this.state.doorOpen = true;
  }

  /** Operator: close the door; hosts learn the inventory may have changed (6/28/00). */
  closeDoor(): void {
    this.state.doorOpen = false;
    this.queueUnitAttention('all', SENSE.mediumMayHaveChanged);
  }

  /** Operator: put a cartridge into an I/E slot (index from 0). */
  operatorImport(index: number, cartridge: CartridgeState): void {
    if (this.state.importExport[index] !== null) throw new Error(`I/E slot ${index} is full`);
    this.state.importExport[index] = { cartridge, operatorPlaced: true };
    this.queueUnitAttention('all', IMPORT_EXPORT_ACCESSED);
  }

  /** Operator: take a cartridge out of an I/E slot. */
  operatorRemove(index: number): CartridgeState | null {
    const e = this.state.importExport[index] ?? null;
    this.state.importExport[index] = null;
    if (e) this.queueUnitAttention('all', IMPORT_EXPORT_ACCESSED);
    return e?.cartridge ?? null;
  }

  protected handle(_nexus: number, req: TargetRequest): TargetResponse {
    switch (req.cdb[0]) {
      case OPCODE.TEST_UNIT_READY:
        return this.state.doorOpen ? this.checkCondition(DOOR_OPEN) : this.good();
      case OPCODE.INQUIRY:
        return this.#inquiry(req);
      case OPCODE.MODE_SENSE_6:
      case OPCODE.MODE_SENSE_10:
        return this.#modeSense(req);
      case OPCODE.READ_ELEMENT_STATUS:
        return this.#readElementStatus(req);
      case OPCODE.MOVE_MEDIUM:
        return this.#move(req);
      case OPCODE.INITIALIZE_ELEMENT_STATUS:
      case OPCODE.INITIALIZE_ELEMENT_STATUS_WITH_RANGE:
      case OPCODE.VENDOR_INITIALIZE_ELEMENT_STATUS_WITH_RANGE:
        return this.state.doorOpen ? this.checkCondition(DOOR_OPEN) : this.good();
      case OPCODE.PREVENT_ALLOW_MEDIUM_REMOVAL:
        this.state.preventRemoval = ((req.cdb[4] ?? 0) & 0x03) !== 0;
        return this.good();
      case OPCODE.LOAD_UNLOAD: // OPEN/CLOSE IMPORT/EXPORT ELEMENT on a changer
        return this.good();
      default:
        return this.checkCondition(SENSE.invalidOpcode);
    }
  }

  #inquiry(req: TargetRequest): TargetResponse {
    const cdb = decodeInquiryCdb(req.cdb);
    const type = PERIPHERAL_TYPE.MEDIUM_CHANGER;
    if (!cdb.evpd) {
      return this.good(
        encodeInquiry({
          ...{
            qualifier: 0,
            deviceType: type,
            removable: true,
            version: 0x05,
            hiSup: true,
            responseDataFormat: 2,
          },
          ...{ mediumChanger: false, cmdQue: false, vendorSpecific: new Uint8Array(0) },
          ...{ vendor: this.model.vendor, product: this.model.product, revision: this.model.revision },
        }),
      );
    }
    if (cdb.page === 0x00) return this.good(Uint8Array.from([type, 0x00, 0x00, 0x03, 0x00, 0x80, 0x83]));
    if (cdb.page === 0x80) return this.good(encodeUnitSerialVpd(type, this.state.serial));
    if (cdb.page === 0x83) {
      // SPC-3/4 make Device Identification mandatory for every device type: the T10 vendor ID
      // form (vendor, product, serial), the same designator the emulated drives report.
      const m = this.model;
      const t10 = `${m.vendor.padEnd(8)}${m.product.padEnd(16)}${this.state.serial}`;
      const designator = { protocolIdentifier: 0, codeSet: 2, piv: false, association: 0, designatorType: 1 };
      return this.good(
        encodeDeviceIdentificationVpd(type, [{ ...designator, designator: Buffer.from(t10) }]),
      );
    }
    return this.checkCondition(SENSE.invalidFieldInCdb(2));
  }

  #modeSense(req: TargetRequest): TargetResponse {
    const cdb = decodeModeSenseCdb(req.cdb);
    if (cdb.page !== ELEMENT_ADDRESS_PAGE && cdb.page !== 0x3f)
      return this.checkCondition(SENSE.invalidFieldInCdb(2));
    const data = encodeElementAddressPage(addressAssignment(this.model, this.state));
    const page = { page: ELEMENT_ADDRESS_PAGE, parametersSaveable: false, data };
    return this.good(
      encodeModeParameters(
        { mediumType: 0, deviceSpecific: 0, blockDescriptors: [], pages: [page] },
        cdb.form,
      ),
    );
  }

  #readElementStatus(req: TargetRequest): TargetResponse {
    const cdb = decodeReadElementStatusCdb(req.cdb);
    if (cdb.elementType > 4) return this.checkCondition(SENSE.invalidFieldInCdb(1));
    // The first NUMBER OF ELEMENTS matching elements at or above the starting address, in
    // ascending address order, also for type 0 "all" (Quantum DX-Series and Oracle SL150
    // references: reporting begins at the lowest address ≥ the start). A host that walks the
    // library in chunks (mtx altres) asks again from the last address + 1.
    // Each type's addresses are contiguous, so a new page starts exactly where the type changes.
    const chosen = this.elements
      .filter(
        (v) => (cdb.elementType === 0 || v.type === cdb.elementType) && v.address >= cdb.startingAddress,
      )
      .sort((a, b) => a.address - b.address)
      .slice(0, cdb.numberOfElements);
    if (chosen.length === 0)
      return this.checkCondition({
        senseKey: 5,
        asc: 0x21,
        ascq: 0x01,
        fieldPointer: { inCdb: true, field: 2 },
      });
    const pages: ElementPageInput[] = [];
    for (const v of chosen) {
      let page = pages.at(-1);
      if (page?.elementType !== v.type) {
        page = { elementType: v.type, pvoltag: cdb.volTag, avoltag: false, elements: [] };
        pages.push(page);
      }
      page.elements.push(
        describeElement(this.model, this.state, v, { volTag: cdb.volTag, dvcid: cdb.dvcid }),
      );
    }
    return this.good(encodeElementStatus(pages, cdb.allocationLength));
  }

  #move(req: TargetRequest): TargetResponse {
    const cdb = decodeMoveMediumCdb(req.cdb);
    if (cdb.invert) return this.checkCondition(SENSE.invalidFieldInCdb(10));
    if (this.state.doorOpen) return this.checkCondition(DOOR_OPEN);
    const views = this.elements;
    const find = (address: number) => views.find((v) => v.address === address && v.type !== 1);
    if (cdb.transportAddress !== 0 && cdb.transportAddress !== this.model.addressing.transport) {
      return this.checkCondition({
        senseKey: 5,
        asc: 0x21,
        ascq: 0x01,
        fieldPointer: { inCdb: true, field: 2 },
      });
    }
    const src = find(cdb.sourceAddress);
    const dst = find(cdb.destinationAddress);
    if (!src)
      return this.checkCondition({
        senseKey: 5,
        asc: 0x21,
        ascq: 0x01,
        fieldPointer: { inCdb: true, field: 4 },
      });
    if (!dst)
      return this.checkCondition({
        senseKey: 5,
        asc: 0x21,
        ascq: 0x01,
        fieldPointer: { inCdb: true, field: 6 },
      });
    if (!src.cartridge) return this.checkCondition({ senseKey: 5, asc: 0x3b, ascq: 0x0e });
    if (dst.cartridge && src !== dst) return this.checkCondition({ senseKey: 5, asc: 0x3b, ascq: 0x0d });
    if (src === dst) return this.good();
    if (src.drive?.isThreaded) {
      if (!this.model.autoUnload) return this.checkCondition({ senseKey: 5, asc: 0x53, ascq: 0x02 });
      src.drive.unload();
    }
    if (dst.drive && mediaAccess(dst.drive.model.generation, src.cartridge.barcode) === 'none') {
      return this.checkCondition({ senseKey: 5, asc: 0x30, ascq: 0x00 }); // ⚠ code for a generation mismatch
    }
    const cartridge = this.#take(src);
    if (src.type === 2) this.state.sources[cartridge.barcode] = src.address;
    this.#put(dst, cartridge);
    return this.good();
  }

  #take(v: ElementView): CartridgeState {
    const a = this.model.addressing;
    if (v.drive) return v.drive.removeCartridge();
    if (v.type === 2) {
      const c = this.state.slots[v.address - a.storage]!;
      this.state.slots[v.address - a.storage] = null;
      return c;
    }
    const e = this.state.importExport[v.address - a.importExport]!;
    this.state.importExport[v.address - a.importExport] = null;
    return e.cartridge;
  }

  #put(v: ElementView, c: CartridgeState): void {
    const a = this.model.addressing;
    if (v.drive) v.drive.insertCartridge(c);
    else if (v.type === 2) this.state.slots[v.address - a.storage] = c;
    else this.state.importExport[v.address - a.importExport] = { cartridge: c, operatorPlaced: false };
  }
}
