import { ByteReader, ByteWriter, bits } from '../scsi/bytes.ts';

/**
 * The 4-byte header every protocol-0x20 page has (PAGE CODE, PAGE LENGTH = n-3) and the KAD
 * descriptors three of them carry (reference §2, §2.8).
 */
export interface PageBody {
  r: ByteReader;
  /** One past the last byte of the page (4 + PAGE LENGTH). */
  end: number;
}

/**
 * Checks the page code and that the whole page is present. A page the allocation length cut
 * short fails with `detail.problem` saying so and `detail.needed` set, so a caller can re-issue
 * SPIN with `needed` bytes (LTFS reads variable pages in two passes this way).
 */
export function readPage(bytes: Uint8Array, pageCode: number, what: string, minLength: number): PageBody {
  const r = new ByteReader(bytes, what);
  const code = r.u16(0, 'PAGE CODE');
  if (code !== pageCode) throw r.fail('PAGE CODE', 0, `is 0x${hex4(code)}, expected 0x${hex4(pageCode)}`);
  const length = r.u16(2, 'PAGE LENGTH');
  if (length < minLength) throw r.fail('PAGE LENGTH', 2, `${length} is below the minimum ${minLength}`);
  if (4 + length > bytes.length) {
    const err = r.fail('PAGE LENGTH', 2, `announces ${4 + length} bytes, only ${bytes.length} present`);
    err.detail['needed'] = 4 + length;
    throw err;
  }
  return { r, end: 4 + length };
}

/** A writer for a whole page with its header filled in. */
export function pageWriter(pageCode: number, bodyLength: number, what: string): ByteWriter {
  return new ByteWriter(4 + bodyLength, what).u16(0, pageCode, 'PAGE CODE').u16(2, bodyLength, 'PAGE LENGTH');
}

export interface KadDescriptor {
  /** KEY DESCRIPTOR TYPE: 0 U-KAD, 1 A-KAD, 2 nonce, 3 M-KAD, 4 WK-KAD. */
  type: number;
  /** AUTHENTICATED (data-in only; 0 in SPOUT): 1 not authenticated, 2 not attempted, 3 OK, 4 failed. */
  authenticated: number;
  data: Uint8Array;
}

export interface DecodedKad extends KadDescriptor {
  /** Byte offset of the descriptor in its page (SPOUT field pointers point here). */
  offset: number;
  /** Bits 7-3 of byte 1: reserved, must be 0 in SPOUT (stenc issue #11). */
  reservedBits: number;
}

export function decodeKads(r: ByteReader, start: number, end: number): DecodedKad[] {
  const kads: DecodedKad[] = [];
  for (let off = start; off < end;) {
    if (off + 4 > end) throw r.fail('KEY DESCRIPTOR header', off, 'is cut by the PAGE LENGTH');
    const b1 = r.u8(off + 1, 'AUTHENTICATED');
    const size = r.u16(off + 2, 'KEY DESCRIPTOR LENGTH');
    if (off + 4 + size > end)
      throw r.fail('KEY DESCRIPTOR LENGTH', off + 2, `${size} runs past the PAGE LENGTH`);
    kads.push({
      type: r.u8(off, 'KEY DESCRIPTOR TYPE'),
      authenticated: b1 & 0x07,
      reservedBits: b1 >> 3,
      offset: off,
      data: r.slice(off + 4, size, 'KEY DESCRIPTOR'),
    });
    off += 4 + size;
  }
  return kads;
}

export function kadsLength(kads: readonly KadDescriptor[]): number {
  return kads.reduce((n, k) => n + 4 + k.data.length, 0);
}

export function writeKads(w: ByteWriter, start: number, kads: readonly KadDescriptor[]): void {
  let off = start;
  for (const k of kads) {
    w.u8(off, k.type, 'KEY DESCRIPTOR TYPE');
    w.u8(off + 1, bits(k.authenticated, 3, 0, w.what, 'AUTHENTICATED'), 'AUTHENTICATED');
    w.u16(off + 2, k.data.length, 'KEY DESCRIPTOR LENGTH').set(off + 4, k.data);
    off += 4 + k.data.length;
  }
}

/** Strips the decoder-only fields, e.g. to compare with an encoder input. */
export function plainKad(k: DecodedKad): KadDescriptor {
  return { type: k.type, authenticated: k.authenticated, data: k.data };
}

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
