import { ByteWriter, bit, bits, flag, invalidArgument } from '../scsi/bytes.ts';
import { reader } from '../scsi/cdb.ts';
import { OPCODE } from '../scsi/opcodes.ts';

/** SSC command descriptor blocks (reference §5.5), built and decoded. */

export interface LoadUnloadCdb {
  /** LOAD: 1 load, 0 unload (eject). */
  load: boolean;
  immed: boolean;
  hold: boolean;
  eot: boolean;
  reten: boolean;
}

export function loadUnloadCdb(req: Partial<LoadUnloadCdb> & { load: boolean }): Uint8Array {
  const w = new ByteWriter(6, 'LOAD UNLOAD CDB').u8(0, OPCODE.LOAD_UNLOAD, 'OPERATION CODE');
  w.u8(1, flag(req.immed, 0), 'IMMED');
  return w.u8(
    4,
    flag(req.hold, 3) | flag(req.eot, 2) | flag(req.reten, 1) | flag(req.load, 0),
    'HOLD|EOT|RETEN|LOAD',
  ).bytes;
}

export function decodeLoadUnloadCdb(cdb: Uint8Array): LoadUnloadCdb {
  const r = reader(cdb, OPCODE.LOAD_UNLOAD, 6);
  const b4 = r.u8(4, 'HOLD | EOT | RETEN | LOAD');
  return {
    immed: bit(r.u8(1, 'IMMED'), 0),
    hold: bit(b4, 3),
    eot: bit(b4, 2),
    reten: bit(b4, 1),
    load: bit(b4, 0),
  };
}

export function rewindCdb(immed = false): Uint8Array {
  return new ByteWriter(6, 'REWIND CDB').u8(0, OPCODE.REWIND, 'OPERATION CODE').u8(1, flag(immed, 0), 'IMMED')
    .bytes;
}

export function decodeRewindCdb(cdb: Uint8Array): { immed: boolean } {
  return { immed: bit(reader(cdb, OPCODE.REWIND, 6).u8(1, 'IMMED'), 0) };
}

export interface ReadWriteCdb {
  /** FIXED: length counts blocks of the mode's block size; otherwise it is one block's bytes. */
  fixed: boolean;
  /** SILI (READ only): suppress the incorrect-length indication. */
  sili: boolean;
  /** TRANSFER LENGTH (24-bit). */
  length: number;
}

export function read6Cdb(req: Partial<ReadWriteCdb> & { length: number }): Uint8Array {
  const w = new ByteWriter(6, 'READ(6) CDB').u8(0, OPCODE.READ_6, 'OPERATION CODE');
  w.u8(1, flag(req.sili, 1) | flag(req.fixed, 0), 'SILI | FIXED');
  return w.u24(2, req.length, 'TRANSFER LENGTH').bytes;
}

export function write6Cdb(req: { fixed?: boolean; length: number }): Uint8Array {
  const w = new ByteWriter(6, 'WRITE(6) CDB').u8(0, OPCODE.WRITE_6, 'OPERATION CODE');
  return w.u8(1, flag(req.fixed, 0), 'FIXED').u24(2, req.length, 'TRANSFER LENGTH').bytes;
}

export function decodeReadWrite6Cdb(cdb: Uint8Array): ReadWriteCdb {
  const r = reader(cdb, cdb[0] === OPCODE.WRITE_6 ? OPCODE.WRITE_6 : OPCODE.READ_6, 6);
  const b1 = r.u8(1, 'SILI | FIXED');
  return { fixed: bit(b1, 0), sili: bit(b1, 1), length: r.u24(2, 'TRANSFER LENGTH') };
}

export function writeFilemarksCdb(count: number, immed = false): Uint8Array {
  const w = new ByteWriter(6, 'WRITE FILEMARKS(6) CDB').u8(0, OPCODE.WRITE_FILEMARKS_6, 'OPERATION CODE');
  return w.u8(1, flag(immed, 0), 'IMMED').u24(2, count, 'TRANSFER LENGTH').bytes;
}

export function decodeWriteFilemarksCdb(cdb: Uint8Array): { immed: boolean; count: number } {
  const r = reader(cdb, OPCODE.WRITE_FILEMARKS_6, 6);
  return { immed: bit(r.u8(1, 'IMMED'), 0), count: r.u24(2, 'TRANSFER LENGTH') };
}

export const SPACE_CODE = { BLOCKS: 0, FILEMARKS: 1, END_OF_DATA: 3 } as const;

/** SPACE(6): a signed 24-bit count (negative = backwards). */
export function space6Cdb(code: number, count: number): Uint8Array {
  if (!Number.isInteger(count) || count < -(2 ** 23) || count >= 2 ** 23) {
    throw invalidArgument('SPACE(6) CDB', 'COUNT', `${count} does not fit in 24 signed bits`);
  }
  const w = new ByteWriter(6, 'SPACE(6) CDB').u8(0, OPCODE.SPACE_6, 'OPERATION CODE');
  return w.u8(1, bits(code, 4, 0, 'SPACE(6) CDB', 'CODE'), 'CODE').u24(2, count & 0xffffff, 'COUNT').bytes;
}

export function decodeSpace6Cdb(cdb: Uint8Array): { code: number; count: number } {
  const r = reader(cdb, OPCODE.SPACE_6, 6);
  return { code: r.u8(1, 'CODE') & 0x0f, count: (r.u24(2, 'COUNT') << 8) >> 8 };
}
