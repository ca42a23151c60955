import { ByteWriter, bits, flag, invalidArgument } from './bytes.ts';
import type { FieldPointer } from './sense.ts';

/**
 * Sense encoders, the reverse of `decodeSense`, for the emulators (fixed format by default,
 * descriptor format when the host set D_SENSE) and for test fixtures.
 */
export interface SenseInput {
  senseKey: number;
  asc: number;
  ascq: number;
  deferred?: boolean;
  /** Sets VALID (fixed) or adds an information descriptor. Signed 32-bit in fixed format. */
  information?: number;
  commandSpecific?: number;
  filemark?: boolean;
  eom?: boolean;
  ili?: boolean;
  fru?: number;
  fieldPointer?: FieldPointer;
  /** NOT READY progress indication, 0..1. */
  progress?: number;
}

const WHAT = 'sense data';

/** 18-byte fixed-format sense (0x70 current / 0x71 deferred). */
export function encodeFixedSense(s: SenseInput): Uint8Array {
  const w = new ByteWriter(18, WHAT);
  const valid = s.information !== undefined;
  w.u8(0, flag(valid, 7) | (s.deferred ? 0x71 : 0x70), 'VALID | RESPONSE CODE');
  w.u8(
    2,
    flag(s.filemark, 7) | flag(s.eom, 6) | flag(s.ili, 5) | bits(s.senseKey, 4, 0, WHAT, 'SENSE KEY'),
    'FILEMARK | EOM | ILI | SENSE KEY',
  );
  if (s.information !== undefined) w.u32(3, int32(s.information), 'INFORMATION');
  w.u8(7, 10, 'ADDITIONAL SENSE LENGTH');
  w.u32(8, s.commandSpecific ?? 0, 'COMMAND-SPECIFIC INFORMATION');
  w.u8(12, s.asc, 'ASC')
    .u8(13, s.ascq, 'ASCQ')
    .u8(14, s.fru ?? 0, 'FRU');
  const sks = senseKeySpecific(s);
  if (sks) w.set(15, sks);
  return w.bytes;
}

/** Descriptor-format sense (0x72/0x73): information, stream-commands and SKS descriptors as needed. */
export function encodeDescriptorSense(s: SenseInput): Uint8Array {
  const parts: Uint8Array[] = [];
  if (s.information !== undefined) {
    const d = new ByteWriter(12, WHAT).u8(0, 0x00, 'TYPE').u8(1, 0x0a, 'LENGTH').u8(2, 0x80, 'VALID');
    parts.push(d.set(4, int64(s.information)).bytes);
  }
  if (s.filemark || s.eom || s.ili) {
    const flags = flag(s.filemark, 7) | flag(s.eom, 6) | flag(s.ili, 5);
    parts.push(new ByteWriter(4, WHAT).u8(0, 0x04, 'TYPE').u8(1, 0x02, 'LENGTH').u8(3, flags, 'FLAGS').bytes);
  }
  const sks = senseKeySpecific(s);
  if (sks) parts.push(new ByteWriter(8, WHAT).u8(0, 0x02, 'TYPE').u8(1, 0x06, 'LENGTH').set(4, sks).bytes);
  const body = parts.reduce((n, p) => n + p.length, 0);
  const w = new ByteWriter(8 + body, WHAT);
  w.u8(0, s.deferred ? 0x73 : 0x72, 'RESPONSE CODE');
  w.u8(1, bits(s.senseKey, 4, 0, WHAT, 'SENSE KEY'), 'SENSE KEY');
  w.u8(2, s.asc, 'ASC').u8(3, s.ascq, 'ASCQ').u8(7, body, 'ADDITIONAL SENSE LENGTH');
  let off = 8;
  for (const p of parts) {
    w.set(off, p);
    off += p.length;
  }
  return w.bytes;
}

function senseKeySpecific(s: SenseInput): Uint8Array | undefined {
  if (s.fieldPointer) {
    const fp = s.fieldPointer;
    const b0 =
      0x80 | flag(fp.inCdb, 6) | (fp.bit === undefined ? 0 : 0x08 | bits(fp.bit, 3, 0, WHAT, 'BIT POINTER'));
    return new ByteWriter(3, WHAT).u8(0, b0, 'SKSV').u16(1, fp.field, 'FIELD POINTER').bytes;
  }
  if (s.progress !== undefined) {
    const value = Math.min(0xffff, Math.round(s.progress * 65536));
    return new ByteWriter(3, WHAT).u8(0, 0x80, 'SKSV').u16(1, value, 'PROGRESS INDICATION').bytes;
  }
  return undefined;
}

function int32(value: number): number {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) {
    throw invalidArgument(WHAT, 'INFORMATION', `${value} does not fit in 32 bits`);
  }
  return value >>> 0;
}

function int64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw invalidArgument(WHAT, 'INFORMATION', `${value} is not an integer`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt(value));
  return out;
}
