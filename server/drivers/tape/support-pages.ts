import { ByteReader, ByteWriter, bit, flag } from '../scsi/bytes.ts';
import { TAPE_PAGE } from './encryption-constants.ts';
import { hex4, pageWriter, readPage } from './page-codec.ts';

/**
 * The small SPIN pages (reference §1.4, §2.1-2.2, §2.4-2.5): the protocol-0x00 lists, which
 * protocol-0x20 pages exist, the key formats and the management capabilities.
 */

/** Protocol 0x00 / SPS 0x0000. No page header: bytes 6-7 are the list length. LTO answers `00 20`. */
export function decodeSupportedProtocols(bytes: Uint8Array): number[] {
  const r = new ByteReader(bytes, 'SPIN protocol 0x00 page 0x0000');
  const length = r.u16(6, 'SUPPORTED SECURITY PROTOCOL LIST LENGTH');
  return Array.from(r.slice(8, length, 'SUPPORTED SECURITY PROTOCOL LIST'));
}

export function encodeSupportedProtocols(protocols: readonly number[]): Uint8Array {
  const w = new ByteWriter(8 + protocols.length, 'SPIN protocol 0x00 page 0x0000');
  w.u16(6, protocols.length, 'LIST LENGTH');
  protocols.forEach((p, i) => w.u8(8 + i, p, 'SECURITY PROTOCOL'));
  return w.bytes;
}

/** Protocol 0x00 / SPS 0x0001: certificate data (LTO drives return length 0). */
export function decodeCertificate(bytes: Uint8Array): Uint8Array {
  const r = new ByteReader(bytes, 'SPIN protocol 0x00 page 0x0001');
  return r.slice(4, r.u16(2, 'CERTIFICATE LENGTH'), 'CERTIFICATE');
}

export function encodeCertificate(certificate: Uint8Array): Uint8Array {
  const w = new ByteWriter(4 + certificate.length, 'SPIN protocol 0x00 page 0x0001');
  return w.u16(2, certificate.length, 'CERTIFICATE LENGTH').set(4, certificate).bytes;
}

/** Pages 0x0000 (In Support) and 0x0001 (Out Support): lists of 2-byte page codes. */
export function decodePageList(bytes: Uint8Array, pageCode: number): number[] {
  const { r, end } = readPage(bytes, pageCode, `SPIN page 0x${hex4(pageCode)}`, 0);
  if ((end - 4) % 2 !== 0) throw r.fail('PAGE LENGTH', 2, `${end - 4} is odd: page codes are 2 bytes`);
  const pages: number[] = [];
  for (let off = 4; off < end; off += 2) pages.push(r.u16(off, 'PAGE CODE'));
  return pages;
}

export function encodePageList(pageCode: number, pages: readonly number[]): Uint8Array {
  const w = pageWriter(pageCode, 2 * pages.length, `SPIN page 0x${hex4(pageCode)}`);
  pages.forEach((p, i) => w.u16(4 + 2 * i, p, 'PAGE CODE'));
  return w.bytes;
}

/** Page 0x0011: one byte per supported key format (0x00 plain text). */
export function decodeKeyFormats(bytes: Uint8Array): number[] {
  const { r, end } = readPage(bytes, TAPE_PAGE.KEY_FORMATS, 'SPIN page 0x0011', 0);
  return Array.from(r.slice(4, end - 4, 'KEY FORMATS'));
}

export function encodeKeyFormats(formats: readonly number[]): Uint8Array {
  return pageWriter(TAPE_PAGE.KEY_FORMATS, formats.length, 'SPIN page 0x0011').set(
    4,
    Uint8Array.from(formats),
  ).bytes;
}

export interface ManagementCapabilities {
  lockC: boolean;
  ckodC: boolean;
  ckorpC: boolean;
  ckorlC: boolean;
  /** SCOPE = ALL I_T NEXUS supported. */
  aitnC: boolean;
  localC: boolean;
  publicC: boolean;
}

const MGMT = 'SPIN page 0x0012';

/** Page 0x0012 (PAGE LENGTH 0x000C). */
export function decodeManagementCapabilities(bytes: Uint8Array): ManagementCapabilities {
  const { r } = readPage(bytes, TAPE_PAGE.MANAGEMENT_CAPABILITIES, MGMT, 4);
  const b5 = r.u8(5, 'CKOD_C | CKORP_C | CKORL_C');
  const b7 = r.u8(7, 'AITN_C | LOCAL_C | PUBLIC_C');
  return {
    lockC: bit(r.u8(4, 'LOCK_C'), 0),
    ckodC: bit(b5, 2),
    ckorpC: bit(b5, 1),
    ckorlC: bit(b5, 0),
    aitnC: bit(b7, 2),
    localC: bit(b7, 1),
    publicC: bit(b7, 0),
  };
}

export function encodeManagementCapabilities(c: ManagementCapabilities): Uint8Array {
  const w = pageWriter(TAPE_PAGE.MANAGEMENT_CAPABILITIES, 12, MGMT).u8(4, flag(c.lockC, 0), 'LOCK_C');
  w.u8(5, flag(c.ckodC, 2) | flag(c.ckorpC, 1) | flag(c.ckorlC, 0), 'CKOD_C | CKORP_C | CKORL_C');
  return w.u8(7, flag(c.aitnC, 2) | flag(c.localC, 1) | flag(c.publicC, 0), 'AITN_C | LOCAL_C | PUBLIC_C')
    .bytes;
}
