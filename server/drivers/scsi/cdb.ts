import { ByteReader, ByteWriter, bit, bits, flag, invalidArgument } from './bytes.ts';
import { OPCODE, opcodeName } from './opcodes.ts';

/**
 * SPC command descriptor blocks: builders for the drivers and decoders for the emulators, the
 * same layout read both ways (reference §1.1-1.2, §5.5). Tape-only CDBs are in
 * tape/tape-cdb.ts, media-changer ones in library/changer-cdb.ts.
 */

export function testUnitReadyCdb(): Uint8Array {
  return new Uint8Array(6);
}

export interface InquiryCdb {
  /** EVPD: ask for a vital product data page instead of the standard data. */
  evpd: boolean;
  page: number;
  allocationLength: number;
}

export function inquiryCdb(req: InquiryCdb): Uint8Array {
  const w = new ByteWriter(6, 'INQUIRY CDB').u8(0, OPCODE.INQUIRY, 'OPERATION CODE');
  if (!req.evpd && req.page !== 0) throw invalidArgument('INQUIRY CDB', 'PAGE CODE', 'needs EVPD');
  w.u8(1, flag(req.evpd, 0), 'EVPD').u8(2, req.page, 'PAGE CODE');
  return w.u16(3, req.allocationLength, 'ALLOCATION LENGTH').bytes;
}

export function decodeInquiryCdb(cdb: Uint8Array): InquiryCdb {
  const r = reader(cdb, OPCODE.INQUIRY, 6);
  return {
    evpd: bit(r.u8(1, 'EVPD'), 0),
    page: r.u8(2, 'PAGE CODE'),
    allocationLength: r.u16(3, 'ALLOCATION LENGTH'),
  };
}

export interface RequestSenseCdb {
  /** DESC: ask for descriptor-format sense. */
  descriptor: boolean;
  allocationLength: number;
}

export function requestSenseCdb(req: RequestSenseCdb): Uint8Array {
  const w = new ByteWriter(6, 'REQUEST SENSE CDB').u8(0, OPCODE.REQUEST_SENSE, 'OPERATION CODE');
  return w.u8(1, flag(req.descriptor, 0), 'DESC').u8(4, req.allocationLength, 'ALLOCATION LENGTH').bytes;
}

export function decodeRequestSenseCdb(cdb: Uint8Array): RequestSenseCdb {
  const r = reader(cdb, OPCODE.REQUEST_SENSE, 6);
  return { descriptor: bit(r.u8(1, 'DESC'), 0), allocationLength: r.u8(4, 'ALLOCATION LENGTH') };
}

export interface ModeSenseCdb {
  /** Six- or ten-byte form: (10) has a 16-bit allocation length and an 8-byte header. */
  form: 6 | 10;
  /** DBD: leave out block descriptors. */
  disableBlockDescriptors: boolean;
  /** PC: 0 current, 1 changeable, 2 default, 3 saved. */
  pageControl: number;
  page: number;
  subpage: number;
  allocationLength: number;
}

export function modeSenseCdb(req: ModeSenseCdb): Uint8Array {
  const what = `MODE SENSE(${req.form}) CDB`;
  const w = new ByteWriter(req.form, what);
  w.u8(0, req.form === 6 ? OPCODE.MODE_SENSE_6 : OPCODE.MODE_SENSE_10, 'OPERATION CODE');
  w.u8(1, flag(req.disableBlockDescriptors, 3), 'DBD');
  w.u8(
    2,
    bits(req.pageControl, 2, 6, what, 'PC') | bits(req.page, 6, 0, what, 'PAGE CODE'),
    'PC | PAGE CODE',
  );
  w.u8(3, req.subpage, 'SUBPAGE CODE');
  if (req.form === 6) w.u8(4, req.allocationLength, 'ALLOCATION LENGTH');
  else w.u16(7, req.allocationLength, 'ALLOCATION LENGTH');
  return w.bytes;
}

export function decodeModeSenseCdb(cdb: Uint8Array): ModeSenseCdb {
  const form = cdb[0] === OPCODE.MODE_SENSE_10 ? 10 : 6;
  const r = reader(cdb, form === 6 ? OPCODE.MODE_SENSE_6 : OPCODE.MODE_SENSE_10, form);
  const b2 = r.u8(2, 'PC | PAGE CODE');
  return {
    form,
    disableBlockDescriptors: bit(r.u8(1, 'DBD'), 3),
    pageControl: b2 >> 6,
    page: b2 & 0x3f,
    subpage: r.u8(3, 'SUBPAGE CODE'),
    allocationLength: form === 6 ? r.u8(4, 'ALLOCATION LENGTH') : r.u16(7, 'ALLOCATION LENGTH'),
  };
}

/** SECURITY PROTOCOL IN / OUT: protocol 0x00 (information) or 0x20 (tape data encryption). */
export interface SecurityProtocolCdb {
  protocol: number;
  /** SECURITY PROTOCOL SPECIFIC: the page code for protocol 0x20. */
  protocolSpecific: number;
  /** SPIN: ALLOCATION LENGTH; SPOUT: TRANSFER LENGTH (must cover 4 + PAGE LENGTH). */
  length: number;
  /** INC_512: length in 512-byte units. LTO drives document it as always 0. */
  inc512: boolean;
}

export const SECURITY_PROTOCOL = { INFORMATION: 0x00, TAPE_DATA_ENCRYPTION: 0x20 } as const;

export function securityProtocolInCdb(req: Omit<SecurityProtocolCdb, 'inc512'>): Uint8Array {
  return securityCdb(OPCODE.SECURITY_PROTOCOL_IN, { ...req, inc512: false });
}

export function securityProtocolOutCdb(req: Omit<SecurityProtocolCdb, 'inc512'>): Uint8Array {
  return securityCdb(OPCODE.SECURITY_PROTOCOL_OUT, { ...req, inc512: false });
}

function securityCdb(opcode: number, req: SecurityProtocolCdb): Uint8Array {
  const what = `${opcodeName(opcode)} CDB`;
  const w = new ByteWriter(12, what).u8(0, opcode, 'OPERATION CODE');
  w.u8(1, req.protocol, 'SECURITY PROTOCOL').u16(2, req.protocolSpecific, 'SECURITY PROTOCOL SPECIFIC');
  w.u8(4, flag(req.inc512, 7), 'INC_512');
  return w.u32(
    6,
    req.length,
    opcode === OPCODE.SECURITY_PROTOCOL_IN ? 'ALLOCATION LENGTH' : 'TRANSFER LENGTH',
  ).bytes;
}

export function decodeSecurityProtocolCdb(cdb: Uint8Array): SecurityProtocolCdb {
  const opcode =
    cdb[0] === OPCODE.SECURITY_PROTOCOL_OUT ? OPCODE.SECURITY_PROTOCOL_OUT : OPCODE.SECURITY_PROTOCOL_IN;
  const r = reader(cdb, opcode, 12);
  return {
    protocol: r.u8(1, 'SECURITY PROTOCOL'),
    protocolSpecific: r.u16(2, 'SECURITY PROTOCOL SPECIFIC'),
    inc512: bit(r.u8(4, 'INC_512'), 7),
    length: r.u32(6, 'LENGTH'),
  };
}

/** A reader over a CDB that has the expected opcode and at least `size` bytes. */
export function reader(cdb: Uint8Array, opcode: number, size: number): ByteReader {
  const r = new ByteReader(cdb, `${opcodeName(opcode)} CDB`);
  if (r.u8(0, 'OPERATION CODE') !== opcode) {
    throw r.fail('OPERATION CODE', 0, `is 0x${cdb[0]!.toString(16)}, expected 0x${opcode.toString(16)}`);
  }
  r.need(0, size, 'CDB');
  return r;
}
