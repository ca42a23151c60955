import { DriverError } from '../core/driver-error.ts';

/**
 * Bounds-checked big-endian access for the SCSI codecs. Every read names the field it is for,
 * so a short or inconsistent reply becomes `SCSI_DECODE_FAILED` ("READ ELEMENT STATUS: truncated
 * at PRIMARY VOLUME TAG …") with the byte offset in `detail.offset` — never a RangeError from a
 * DataView, and never a silently wrong number read past the end of the buffer.
 */
export function decodeFailed(what: string, field: string, offset: number, problem: string): DriverError {
  return new DriverError('SCSI_DECODE_FAILED', `${what}: ${field} (byte ${offset}) ${problem}`, {
    detail: { what, field, offset, problem },
  });
}

/** Encoders reject values that do not fit their field: a caller bug, reported before any I/O. */
export function invalidArgument(what: string, field: string, problem: string): DriverError {
  return new DriverError('SCSI_INVALID_ARGUMENT', `${what}: ${field} ${problem}`, {
    detail: { what, field, problem },
  });
}

export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    /** The page or structure being decoded, for messages ("SPIN page 0x0020"). */
    readonly what: string,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless bytes [offset, offset+size) exist. */
  need(offset: number, size: number, field: string): void {
    if (offset < 0 || offset + size > this.bytes.length) {
      throw decodeFailed(
        this.what,
        field,
        offset,
        `is truncated: needs ${size} byte(s), only ${Math.max(0, this.bytes.length - offset)} present`,
      );
    }
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.bytes[offset]!;
  }

  u16(offset: number, field: string): number {
    this.need(offset, 2, field);
    return (this.bytes[offset]! << 8) | this.bytes[offset + 1]!;
  }

  u24(offset: number, field: string): number {
    this.need(offset, 3, field);
    return (this.bytes[offset]! << 16) | (this.bytes[offset + 1]! << 8) | this.bytes[offset + 2]!;
  }

  u32(offset: number, field: string): number {
    this.need(offset, 4, field);
    return ((this.bytes[offset]! << 24) >>> 0) + this.u24(offset + 1, field);
  }

  /** 64-bit counters (logical object numbers) as a JS number; larger values are refused. */
  u64(offset: number, field: string): number {
    const hi = this.u32(offset, field);
    const lo = this.u32(offset + 4, field);
    if (hi > 0x1fffff) throw decodeFailed(this.what, field, offset, 'is beyond 2^53');
    return hi * 2 ** 32 + lo;
  }

  slice(offset: number, size: number, field: string): Uint8Array {
    this.need(offset, size, field);
    return this.bytes.slice(offset, offset + size);
  }

  /** ASCII text with trailing spaces and NULs removed (SCSI pads identity strings with spaces). */
  ascii(offset: number, size: number, field: string): string {
    return asciiText(this.slice(offset, size, field));
  }

  fail(field: string, offset: number, problem: string): DriverError {
    return decodeFailed(this.what, field, offset, problem);
  }
}

export function asciiText(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0 ? '\0' : '?';
  return text.replace(/[\s\0]+$/u, '');
}

/** A fixed-size output buffer with range-checked big-endian writes. */
export class ByteWriter {
  readonly bytes: Uint8Array;

  constructor(
    size: number,
    readonly what: string,
  ) {
    this.bytes = new Uint8Array(size);
  }

  u8(offset: number, value: number, field: string): this {
    return this.#put(offset, 1, value, field);
  }

  u16(offset: number, value: number, field: string): this {
    return this.#put(offset, 2, value, field);
  }

  u24(offset: number, value: number, field: string): this {
    return this.#put(offset, 3, value, field);
  }

  u32(offset: number, value: number, field: string): this {
    return this.#put(offset, 4, value, field);
  }

  u64(offset: number, value: number, field: string): this {
    if (!Number.isSafeInteger(value) || value < 0)
      throw invalidArgument(this.what, field, `${value} is not a u64`);
    this.#put(offset, 4, Math.floor(value / 2 ** 32), field);
    return this.#put(offset + 4, 4, value % 2 ** 32, field);
  }

  set(offset: number, data: Uint8Array): this {
    if (offset + data.length > this.bytes.length) throw invalidArgument(this.what, 'data', 'does not fit');
    this.bytes.set(data, offset);
    return this;
  }

  /** ASCII, left-aligned and space-padded to `size` (SCSI identity fields). */
  ascii(offset: number, size: number, text: string, field: string): this {
    if (text.length > size || !/^[\x20-\x7e]*$/u.test(text)) {
      throw invalidArgument(this.what, field, `must be at most ${size} printable ASCII characters`);
    }
    for (let i = 0; i < size; i++) this.bytes[offset + i] = i < text.length ? text.charCodeAt(i) : 0x20;
    return this;
  }

  #put(offset: number, size: number, value: number, field: string): this {
    const max = 2 ** (8 * size) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw invalidArgument(this.what, field, `${value} does not fit in ${size} byte(s)`);
    }
    let v = value;
    for (let i = size - 1; i >= 0; i--) {
      this.bytes[offset + i] = v & 0xff;
      v = Math.floor(v / 256);
    }
    return this;
  }
}

/** A bit field `value` of `width` bits placed at `shift`, after checking it fits. */
export function bits(value: number, width: number, shift: number, what: string, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 1 << width) {
    throw invalidArgument(what, field, `${value} does not fit in ${width} bit(s)`);
  }
  return value << shift;
}

export const flag = (on: boolean | undefined, bit: number): number => (on ? 1 << bit : 0);
export const bit = (byte: number, n: number): boolean => ((byte >> n) & 1) === 1;
