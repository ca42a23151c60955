import { ELEMENT_TYPE } from '../../server/drivers/library/changer-cdb.ts';
import type { ElementAddressAssignment } from '../../server/drivers/library/element-address-page.ts';
import type { ElementDescriptor } from '../../server/drivers/library/element-status.ts';
import { parseBarcode, smcMediumType } from '../../server/drivers/tape/lto-media.ts';
import type { CartridgeState } from '../tape/cartridge.ts';
import type { LtoDriveEmulator } from '../tape/lto-drive-emulator.ts';
import type { LibraryModel } from './data/library-models.ts';

/** What the changer persists: storage and I/E contents, where cartridges came from, the door. */
export interface LibraryState {
  version: 1;
  name: string;
  model: string;
  serial: string;
  slots: (CartridgeState | null)[];
  importExport: ({ cartridge: CartridgeState; operatorPlaced: boolean } | null)[];
  /** SOURCE STORAGE ELEMENT ADDRESS per barcode: the slot a cartridge was last taken from. */
  sources: Record<string, number>;
  doorOpen: boolean;
  preventRemoval: boolean;
  /** Serials of the drives in data-transfer element order. */
  driveSerials: string[];
}

/** One element as the changer sees it right now. */
export interface ElementView {
  type: 1 | 2 | 3 | 4;
  address: number;
  cartridge: CartridgeState | null;
  operatorPlaced: boolean;
  drive?: LtoDriveEmulator;
}

export function addressAssignment(model: LibraryModel, state: LibraryState): ElementAddressAssignment {
  const a = model.addressing;
  return {
    transport: { first: a.transport, count: 1 },
    storage: { first: a.storage, count: state.slots.length },
    importExport: { first: a.importExport, count: state.importExport.length },
    dataTransfer: { first: a.dataTransfer, count: state.driveSerials.length },
  };
}

export function elementViews(
  model: LibraryModel,
  state: LibraryState,
  drives: readonly LtoDriveEmulator[],
): ElementView[] {
  const a = model.addressing;
  const views: ElementView[] = [{ type: 1, address: a.transport, cartridge: null, operatorPlaced: false }];
  state.slots.forEach((c, i) =>
    views.push({ type: 2, address: a.storage + i, cartridge: c, operatorPlaced: false }),
  );
  state.importExport.forEach((e, i) =>
    views.push({
      type: 3,
      address: a.importExport + i,
      cartridge: e?.cartridge ?? null,
      operatorPlaced: e?.operatorPlaced ?? false,
    }),
  );
  drives.forEach((d, i) =>
    views.push({
      type: 4,
      address: a.dataTransfer + i,
      cartridge: d.cartridge,
      operatorPlaced: false,
      drive: d,
    }),
  );
  return views;
}

/** The READ ELEMENT STATUS descriptor of one element. */
export function describeElement(
  model: LibraryModel,
  state: LibraryState,
  v: ElementView,
  opts: { volTag: boolean; dvcid: boolean },
): ElementDescriptor {
  const c = v.cartridge;
  const info = c ? parseBarcode(c.barcode) : undefined;
  const label = info ? (model.barcodeLength === 6 ? info.volser : info.barcode) : '';
  const source = c ? state.sources[c.barcode] : undefined;
  const e: ElementDescriptor = {
    elementType: v.type,
    address: v.address,
    full: c !== null,
    impExp: v.type === ELEMENT_TYPE.IMPORT_EXPORT && v.operatorPlaced,
    except: false,
    access: v.type === ELEMENT_TYPE.MEDIUM_TRANSPORT ? false : !state.doorOpen,
    exEnab: v.type === ELEMENT_TYPE.IMPORT_EXPORT,
    inEnab: v.type === ELEMENT_TYPE.IMPORT_EXPORT,
    asc: 0,
    ascq: 0,
    notBus: false,
    idValid: false,
    luValid: false,
    lun: 0,
    scsiBusAddress: 0,
    disabled: false,
    invert: false,
    mediumType: info ? smcMediumType(info.kind) : 0,
    ...(source !== undefined && v.type !== ELEMENT_TYPE.STORAGE ? { sourceAddress: source } : {}),
    ...(opts.volTag && c ? { primaryVolumeTag: { identifier: label, sequenceNumber: 0 } } : {}),
  };
  if (v.drive && (opts.dvcid || model.dvcidAlways)) {
    const d = v.drive;
    const text =
      model.dvcid === 't10'
        ? `${d.model.vendor.padEnd(8)}${d.model.product.padEnd(16)}${d.serial}`
        : d.serial;
    e.identifier = {
      codeSet: 2,
      association: 0,
      identifierType: model.dvcid === 't10' ? 1 : 0,
      identifier: Buffer.from(text),
    };
  }
  return e;
}
