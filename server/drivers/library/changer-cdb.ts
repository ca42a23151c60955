import { ByteWriter, bit, bits, flag } from '../scsi/bytes.ts';
import { reader } from '../scsi/cdb.ts';
import { OPCODE } from '../scsi/opcodes.ts';

/** SMC command descriptor blocks (reference §5.2-5.3), built and decoded. */

export const ELEMENT_TYPE = {
  ALL: 0,
  MEDIUM_TRANSPORT: 1,
  STORAGE: 2,
  IMPORT_EXPORT: 3,
  DATA_TRANSFER: 4,
} as const;

export interface ReadElementStatusCdb {
  /** VOLTAG: report volume tags (barcodes). */
  volTag: boolean;
  elementType: number;
  startingAddress: number;
  numberOfElements: number;
  /** CURDATA: cached data, no robot motion. */
  curData: boolean;
  /** DVCID: device identifiers for data-transfer elements. */
  dvcid: boolean;
  allocationLength: number;
}

const RES = 'READ ELEMENT STATUS CDB';

export function readElementStatusCdb(req: ReadElementStatusCdb): Uint8Array {
  const w = new ByteWriter(12, RES).u8(0, OPCODE.READ_ELEMENT_STATUS, 'OPERATION CODE');
  w.u8(
    1,
    flag(req.volTag, 4) | bits(req.elementType, 4, 0, RES, 'ELEMENT TYPE CODE'),
    'VOLTAG | ELEMENT TYPE CODE',
  );
  w.u16(2, req.startingAddress, 'STARTING ELEMENT ADDRESS').u16(
    4,
    req.numberOfElements,
    'NUMBER OF ELEMENTS',
  );
  w.u8(6, flag(req.curData, 1) | flag(req.dvcid, 0), 'CURDATA | DVCID');
  return w.u24(7, req.allocationLength, 'ALLOCATION LENGTH').bytes;
}

export function decodeReadElementStatusCdb(cdb: Uint8Array): ReadElementStatusCdb {
  const r = reader(cdb, OPCODE.READ_ELEMENT_STATUS, 12);
  const b1 = r.u8(1, 'VOLTAG | ELEMENT TYPE CODE');
  const b6 = r.u8(6, 'CURDATA | DVCID');
  return {
    volTag: bit(b1, 4),
    elementType: b1 & 0x0f,
    startingAddress: r.u16(2, 'STARTING ELEMENT ADDRESS'),
    numberOfElements: r.u16(4, 'NUMBER OF ELEMENTS'),
    curData: bit(b6, 1),
    dvcid: bit(b6, 0),
    allocationLength: r.u24(7, 'ALLOCATION LENGTH'),
  };
}

export interface MoveMediumCdb {
  /** MEDIUM TRANSPORT ADDRESS: 0 = the default picker. */
  transportAddress: number;
  sourceAddress: number;
  destinationAddress: number;
  /** INVERT: LTO cartridges cannot be inverted (5/24/00, field pointer 10). */
  invert: boolean;
}

export function moveMediumCdb(req: Omit<MoveMediumCdb, 'invert'> & { invert?: boolean }): Uint8Array {
  const w = new ByteWriter(12, 'MOVE MEDIUM CDB').u8(0, OPCODE.MOVE_MEDIUM, 'OPERATION CODE');
  w.u16(2, req.transportAddress, 'MEDIUM TRANSPORT ADDRESS').u16(4, req.sourceAddress, 'SOURCE ADDRESS');
  return w.u16(6, req.destinationAddress, 'DESTINATION ADDRESS').u8(10, flag(req.invert, 0), 'INVERT').bytes;
}

export function decodeMoveMediumCdb(cdb: Uint8Array): MoveMediumCdb {
  const r = reader(cdb, OPCODE.MOVE_MEDIUM, 12);
  return {
    transportAddress: r.u16(2, 'MEDIUM TRANSPORT ADDRESS'),
    sourceAddress: r.u16(4, 'SOURCE ADDRESS'),
    destinationAddress: r.u16(6, 'DESTINATION ADDRESS'),
    invert: bit(r.u8(10, 'INVERT'), 0),
  };
}

/** INITIALIZE ELEMENT STATUS (0x07): re-inventory the whole library. */
export function initializeElementStatusCdb(): Uint8Array {
  return new ByteWriter(6, 'INITIALIZE ELEMENT STATUS CDB').u8(0, OPCODE.INITIALIZE_ELEMENT_STATUS, 'OPCODE')
    .bytes;
}

export interface InitializeElementStatusWithRangeCdb {
  range: boolean;
  fast: boolean;
  startingAddress: number;
  numberOfElements: number;
}

/** INITIALIZE ELEMENT STATUS WITH RANGE (0x37; older libraries answer the vendor 0xE7). */
export function initializeElementStatusWithRangeCdb(req: InitializeElementStatusWithRangeCdb): Uint8Array {
  const w = new ByteWriter(10, 'INITIALIZE ELEMENT STATUS WITH RANGE CDB');
  w.u8(0, OPCODE.INITIALIZE_ELEMENT_STATUS_WITH_RANGE, 'OPERATION CODE');
  w.u8(1, flag(req.fast, 1) | flag(req.range, 0), 'FAST | RANGE');
  return w
    .u16(2, req.startingAddress, 'STARTING ELEMENT ADDRESS')
    .u16(6, req.numberOfElements, 'NUMBER OF ELEMENTS').bytes;
}

export function decodeInitializeElementStatusWithRangeCdb(
  cdb: Uint8Array,
): InitializeElementStatusWithRangeCdb {
  const opcode =
    cdb[0] === OPCODE.VENDOR_INITIALIZE_ELEMENT_STATUS_WITH_RANGE
      ? cdb[0]
      : OPCODE.INITIALIZE_ELEMENT_STATUS_WITH_RANGE;
  const r = reader(cdb, opcode, 10);
  const b1 = r.u8(1, 'FAST | RANGE');
  return {
    range: bit(b1, 0),
    fast: bit(b1, 1),
    startingAddress: r.u16(2, 'STARTING ELEMENT ADDRESS'),
    numberOfElements: r.u16(6, 'NUMBER OF ELEMENTS'),
  };
}

/** PREVENT ALLOW MEDIUM REMOVAL (0x1E): byte 4 bits 1-0. */
export function preventAllowCdb(prevent: boolean): Uint8Array {
  const w = new ByteWriter(6, 'PREVENT ALLOW MEDIUM REMOVAL CDB');
  return w.u8(0, OPCODE.PREVENT_ALLOW_MEDIUM_REMOVAL, 'OPERATION CODE').u8(4, flag(prevent, 0), 'PREVENT')
    .bytes;
}

/** OPEN/CLOSE IMPORT/EXPORT ELEMENT (0x1B on the changer LUN): action 0 open, 1 close (mhvtl). */
export function openCloseImportExportCdb(address: number, action: 'open' | 'close'): Uint8Array {
  const w = new ByteWriter(6, 'OPEN/CLOSE IMPORT/EXPORT ELEMENT CDB').u8(
    0,
    OPCODE.LOAD_UNLOAD,
    'OPERATION CODE',
  );
  return w.u16(2, address, 'ELEMENT ADDRESS').u8(4, action === 'open' ? 0 : 1, 'ACTION CODE').bytes;
}
