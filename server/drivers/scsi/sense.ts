import { ByteReader, bit } from './bytes.ts';
import { ASC_NAMES, SENSE_KEY_NAMES, vendorAscName } from './data/asc-names.ts';

/**
 * Sense data, both formats (reference lto-scsi.md §4.1 fixed 0x70/0x71, §4.2 descriptor
 * 0x72/0x73). The decoder tolerates a buffer the host cut short AFTER the standard part (a
 * device may announce 96 bytes of vendor data into a 32-byte buffer): it keeps what is whole and
 * sets `truncated`. Anything missing from the standard part, a wrong response code, or a
 * descriptor that overruns the ADDITIONAL SENSE LENGTH is `SCSI_DECODE_FAILED`.
 */
export const SENSE_KEY = {
  NO_SENSE: 0x0,
  RECOVERED_ERROR: 0x1,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  HARDWARE_ERROR: 0x4,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  DATA_PROTECT: 0x7,
  BLANK_CHECK: 0x8,
  ABORTED_COMMAND: 0xb,
  VOLUME_OVERFLOW: 0xd,
} as const;

/** ILLEGAL REQUEST's sense-key-specific field: which byte (and bit) of what was wrong. */
export interface FieldPointer {
  /** C/D: true when the bad field is in the CDB, false when it is in the parameter data. */
  inCdb: boolean;
  /** Byte offset of the bad field. */
  field: number;
  /** BIT POINTER, when BPV is set. */
  bit?: number;
}

export interface SenseData {
  format: 'fixed' | 'descriptor';
  /** 0x71/0x73: the error belongs to an earlier command. */
  deferred: boolean;
  senseKey: number;
  asc: number;
  ascq: number;
  /** INFORMATION when VALID; signed (a tape residue is negative for an overlength block). */
  information?: number;
  commandSpecific?: number;
  filemark: boolean;
  eom: boolean;
  ili: boolean;
  fru?: number;
  /** SKSV with ILLEGAL REQUEST. */
  fieldPointer?: FieldPointer;
  /** SKSV with NOT READY / NO SENSE: progress indication 0..1. */
  progress?: number;
  /** SKSV with any other sense key: the three raw bytes. */
  senseKeySpecific?: Uint8Array;
  /** Bytes after the standard part (fixed: vendor bytes 18…; descriptor: unknown descriptors). */
  vendor: Uint8Array;
  /** The host's buffer cut the announced sense short (only trailing, non-standard bytes lost). */
  truncated: boolean;
}

const WHAT = 'sense data';

export function decodeSense(bytes: Uint8Array): SenseData {
  const r = new ByteReader(bytes, WHAT);
  const code = r.u8(0, 'RESPONSE CODE') & 0x7f;
  if (code === 0x70 || code === 0x71) return decodeFixed(r, code === 0x71);
  if (code === 0x72 || code === 0x73) return decodeDescriptor(r, code === 0x73);
  throw r.fail(
    'RESPONSE CODE',
    0,
    `0x${code.toString(16)} is neither fixed (0x70/0x71) nor descriptor (0x72/0x73)`,
  );
}

function decodeFixed(r: ByteReader, deferred: boolean): SenseData {
  const b2 = r.u8(2, 'SENSE KEY');
  const announced = 8 + r.u8(7, 'ADDITIONAL SENSE LENGTH');
  const end = Math.min(announced, r.length);
  // ASC/ASCQ are part of the standard 18 bytes; a device that announces them must deliver them.
  if (announced >= 14) r.need(12, 2, 'ASC/ASCQ');
  const sense: SenseData = {
    format: 'fixed',
    deferred,
    senseKey: b2 & 0x0f,
    asc: end >= 13 ? r.u8(12, 'ASC') : 0,
    ascq: end >= 14 ? r.u8(13, 'ASCQ') : 0,
    filemark: bit(b2, 7),
    eom: bit(b2, 6),
    ili: bit(b2, 5),
    vendor: end > 18 ? r.slice(18, end - 18, 'vendor data') : new Uint8Array(0),
    truncated: announced > r.length,
  };
  if (bit(r.u8(0, 'VALID'), 7)) sense.information = r.u32(3, 'INFORMATION') | 0;
  if (end >= 12) sense.commandSpecific = r.u32(8, 'COMMAND-SPECIFIC INFORMATION');
  if (end >= 15) sense.fru = r.u8(14, 'FRU');
  if (end >= 18) applySks(sense, r.slice(15, 3, 'SENSE-KEY SPECIFIC'));
  return sense;
}

function decodeDescriptor(r: ByteReader, deferred: boolean): SenseData {
  const announced = 8 + r.u8(7, 'ADDITIONAL SENSE LENGTH');
  const end = Math.min(announced, r.length);
  const sense: SenseData = {
    format: 'descriptor',
    deferred,
    senseKey: r.u8(1, 'SENSE KEY') & 0x0f,
    asc: r.u8(2, 'ASC'),
    ascq: r.u8(3, 'ASCQ'),
    filemark: false,
    eom: false,
    ili: false,
    vendor: new Uint8Array(0),
    truncated: announced > r.length,
  };
  const unknown: Uint8Array[] = [];
  let off = 8;
  while (off + 2 <= end) {
    const type = r.u8(off, 'DESCRIPTOR TYPE');
    const size = 2 + r.u8(off + 1, 'ADDITIONAL LENGTH');
    if (off + size > announced)
      throw r.fail('ADDITIONAL LENGTH', off + 1, 'runs past the ADDITIONAL SENSE LENGTH');
    if (off + size > end) break; // cut off by the host's buffer
    applyDescriptor(sense, r, type, off, size, unknown);
    off += size;
  }
  sense.vendor = concat(unknown);
  return sense;
}

function applyDescriptor(
  s: SenseData,
  r: ByteReader,
  type: number,
  off: number,
  size: number,
  unknown: Uint8Array[],
) {
  const tooShort = (min: number, name: string) => {
    if (size < min) throw r.fail(name, off + 1, `descriptor length ${size - 2} is too short`);
  };
  if (type === 0x00) {
    tooShort(12, 'INFORMATION descriptor');
    if (bit(r.u8(off + 2, 'VALID'), 7)) s.information = signed64(r, off + 4, 'INFORMATION');
  } else if (type === 0x01) {
    tooShort(12, 'COMMAND-SPECIFIC descriptor');
    s.commandSpecific = signed64(r, off + 4, 'COMMAND-SPECIFIC INFORMATION');
  } else if (type === 0x02) {
    tooShort(8, 'SENSE-KEY SPECIFIC descriptor');
    applySks(s, r.slice(off + 4, 3, 'SENSE-KEY SPECIFIC'));
  } else if (type === 0x03) {
    tooShort(4, 'FRU descriptor');
    s.fru = r.u8(off + 3, 'FRU');
  } else if (type === 0x04) {
    tooShort(4, 'STREAM COMMANDS descriptor');
    const flags = r.u8(off + 3, 'STREAM COMMANDS flags');
    s.filemark = bit(flags, 7);
    s.eom = bit(flags, 6);
    s.ili = bit(flags, 5);
  } else {
    unknown.push(r.slice(off, size, 'descriptor'));
  }
}

function signed64(r: ByteReader, off: number, field: string): number {
  const hi = r.u32(off, field) | 0;
  const lo = r.u32(off + 4, field);
  const value = hi * 2 ** 32 + lo;
  if (!Number.isSafeInteger(value)) throw r.fail(field, off, 'is beyond 2^53');
  return value;
}

function applySks(s: SenseData, sks: Uint8Array): void {
  const b0 = sks[0]!;
  if (!bit(b0, 7)) return; // SKSV clear: the bytes mean nothing
  const value = (sks[1]! << 8) | sks[2]!;
  if (s.senseKey === SENSE_KEY.ILLEGAL_REQUEST) {
    s.fieldPointer = { inCdb: bit(b0, 6), field: value, ...(bit(b0, 3) ? { bit: b0 & 0x07 } : {}) };
  } else if (s.senseKey === SENSE_KEY.NOT_READY || s.senseKey === SENSE_KEY.NO_SENSE) {
    s.progress = value / 65536;
  } else {
    s.senseKeySpecific = sks;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function senseKeyName(senseKey: number): string {
  return SENSE_KEY_NAMES[senseKey & 0x0f] ?? 'RESERVED';
}

/** The T10 name of an ASC/ASCQ pair (IBM vendor names for 0xEE/0xEF), or a hex placeholder. */
export function ascName(asc: number, ascq: number, senseKey?: number): string {
  const name =
    ASC_NAMES.get((asc << 8) | ascq) ??
    (senseKey === undefined ? undefined : vendorAscName(senseKey, asc, ascq));
  return name ?? `ASC=0x${hex(asc)}, ASCQ=0x${hex(ascq)}`;
}

/** "DATA PROTECT, Incorrect data encryption key (7/74/03)". */
export function describeSense(s: Pick<SenseData, 'senseKey' | 'asc' | 'ascq'>): string {
  return `${senseKeyName(s.senseKey)}, ${ascName(s.asc, s.ascq, s.senseKey)} (${s.senseKey.toString(16)}/${hex(s.asc)}/${hex(s.ascq)})`;
}

const hex = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();
