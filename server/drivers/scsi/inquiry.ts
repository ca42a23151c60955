import { ByteReader, ByteWriter, asciiText, bit, bits, flag } from './bytes.ts';

/** INQUIRY standard data and the VPD pages 0x80 / 0x83 (reference §5.1, §5.4). */

export const PERIPHERAL_TYPE = { SEQUENTIAL_ACCESS: 0x01, MEDIUM_CHANGER: 0x08 } as const;

export interface InquiryData {
  /** PERIPHERAL QUALIFIER: 0 connected, 1 not connected now, 3 no device. */
  qualifier: number;
  /** PERIPHERAL DEVICE TYPE: 0x01 tape, 0x08 media changer. */
  deviceType: number;
  /** RMB */
  removable: boolean;
  /** VERSION: 0x05 SPC-3, 0x06 SPC-4. */
  version: number;
  hiSup: boolean;
  responseDataFormat: number;
  /** MCHNGR: an embedded changer on the same LUN (autoloaders only). */
  mediumChanger: boolean;
  cmdQue: boolean;
  vendor: string;
  product: string;
  revision: string;
  /** Bytes 36… (IBM drives put their serial at 38-47). */
  vendorSpecific: Uint8Array;
}

const STD = 'standard INQUIRY data';

export function decodeInquiry(bytes: Uint8Array): InquiryData {
  const r = new ByteReader(bytes, STD);
  const b0 = r.u8(0, 'PERIPHERAL QUALIFIER | DEVICE TYPE');
  const available = 5 + r.u8(4, 'ADDITIONAL LENGTH');
  if (available < 36)
    throw r.fail('ADDITIONAL LENGTH', 4, `announces ${available} bytes, fewer than the 36 required`);
  r.need(0, 36, 'REVISION');
  const b3 = r.u8(3, 'RESPONSE DATA FORMAT');
  const end = Math.min(available, r.length);
  return {
    qualifier: b0 >> 5,
    deviceType: b0 & 0x1f,
    removable: bit(r.u8(1, 'RMB'), 7),
    version: r.u8(2, 'VERSION'),
    hiSup: bit(b3, 4),
    responseDataFormat: b3 & 0x0f,
    mediumChanger: bit(r.u8(6, 'MCHNGR'), 3),
    cmdQue: bit(r.u8(7, 'CMDQUE'), 1),
    vendor: r.ascii(8, 8, 'T10 VENDOR IDENTIFICATION'),
    product: r.ascii(16, 16, 'PRODUCT IDENTIFICATION'),
    revision: r.ascii(32, 4, 'PRODUCT REVISION LEVEL'),
    vendorSpecific: r.slice(36, end - 36, 'vendor specific'),
  };
}

/** The full response (`5 + ADDITIONAL LENGTH` bytes); `totalLength` defaults to 96. */
export function encodeInquiry(d: InquiryData, totalLength = 96): Uint8Array {
  const w = new ByteWriter(Math.max(36, totalLength, 36 + d.vendorSpecific.length), STD);
  w.u8(0, bits(d.qualifier, 3, 5, STD, 'QUALIFIER') | bits(d.deviceType, 5, 0, STD, 'DEVICE TYPE'), 'TYPE');
  w.u8(1, flag(d.removable, 7), 'RMB').u8(2, d.version, 'VERSION');
  w.u8(3, flag(d.hiSup, 4) | bits(d.responseDataFormat, 4, 0, STD, 'RESPONSE DATA FORMAT'), 'HISUP | RDF');
  w.u8(4, w.bytes.length - 5, 'ADDITIONAL LENGTH');
  w.u8(6, flag(d.mediumChanger, 3), 'MCHNGR').u8(7, flag(d.cmdQue, 1), 'CMDQUE');
  w.ascii(8, 8, d.vendor, 'T10 VENDOR IDENTIFICATION').ascii(16, 16, d.product, 'PRODUCT IDENTIFICATION');
  return w.ascii(32, 4, d.revision, 'PRODUCT REVISION LEVEL').set(36, d.vendorSpecific).bytes;
}

interface VpdHeader {
  r: ByteReader;
  deviceType: number;
  end: number;
}

function vpdHeader(bytes: Uint8Array, page: number, what: string): VpdHeader {
  const r = new ByteReader(bytes, what);
  const deviceType = r.u8(0, 'DEVICE TYPE') & 0x1f;
  const code = r.u8(1, 'PAGE CODE');
  if (code !== page)
    throw r.fail('PAGE CODE', 1, `is 0x${code.toString(16)}, expected 0x${page.toString(16)}`);
  const end = 4 + r.u16(2, 'PAGE LENGTH');
  r.need(4, end - 4, 'page body (PAGE LENGTH)');
  return { r, deviceType, end };
}

/** VPD 0x80 Unit Serial Number: the serial a library's DVCID is matched against. */
export function decodeUnitSerialVpd(bytes: Uint8Array): { deviceType: number; serial: string } {
  const { r, deviceType, end } = vpdHeader(bytes, 0x80, 'VPD page 0x80');
  return { deviceType, serial: r.ascii(4, end - 4, 'PRODUCT SERIAL NUMBER').trimStart() };
}

export function encodeUnitSerialVpd(deviceType: number, serial: string): Uint8Array {
  const w = new ByteWriter(4 + serial.length, 'VPD page 0x80').u8(0, deviceType, 'DEVICE TYPE');
  w.u8(1, 0x80, 'PAGE CODE').u16(2, serial.length, 'PAGE LENGTH');
  return w.ascii(4, serial.length, serial, 'PRODUCT SERIAL NUMBER').bytes;
}

export interface Designator {
  protocolIdentifier: number;
  /** 1 binary, 2 ASCII, 3 UTF-8. */
  codeSet: number;
  piv: boolean;
  /** 0 logical unit, 1 target port, 2 target device. */
  association: number;
  /** 1 T10 vendor id, 2 EUI-64, 3 NAA, … */
  designatorType: number;
  designator: Uint8Array;
}

/** VPD 0x83 Device Identification: its designation descriptors. */
export function decodeDeviceIdentificationVpd(bytes: Uint8Array): {
  deviceType: number;
  designators: Designator[];
} {
  const { r, deviceType, end } = vpdHeader(bytes, 0x83, 'VPD page 0x83');
  const designators: Designator[] = [];
  for (let off = 4; off < end;) {
    const b0 = r.u8(off, 'PROTOCOL IDENTIFIER | CODE SET');
    const b1 = r.u8(off + 1, 'PIV | ASSOCIATION | DESIGNATOR TYPE');
    const size = r.u8(off + 3, 'DESIGNATOR LENGTH');
    if (off + 4 + size > end) throw r.fail('DESIGNATOR LENGTH', off + 3, 'runs past the PAGE LENGTH');
    designators.push({
      protocolIdentifier: b0 >> 4,
      codeSet: b0 & 0x0f,
      piv: bit(b1, 7),
      association: (b1 >> 4) & 0x03,
      designatorType: b1 & 0x0f,
      designator: r.slice(off + 4, size, 'DESIGNATOR'),
    });
    off += 4 + size;
  }
  return { deviceType, designators };
}

export function encodeDeviceIdentificationVpd(
  deviceType: number,
  designators: readonly Designator[],
): Uint8Array {
  const what = 'VPD page 0x83';
  const body = designators.reduce((n, d) => n + 4 + d.designator.length, 0);
  const w = new ByteWriter(4 + body, what).u8(0, deviceType, 'DEVICE TYPE').u8(1, 0x83, 'PAGE CODE');
  w.u16(2, body, 'PAGE LENGTH');
  let off = 4;
  for (const d of designators) {
    w.u8(
      off,
      bits(d.protocolIdentifier, 4, 4, what, 'PROTOCOL IDENTIFIER') | bits(d.codeSet, 4, 0, what, 'CODE SET'),
      'B0',
    );
    const b1 =
      flag(d.piv, 7) |
      bits(d.association, 2, 4, what, 'ASSOCIATION') |
      bits(d.designatorType, 4, 0, what, 'TYPE');
    w.u8(off + 1, b1, 'B1')
      .u8(off + 3, d.designator.length, 'DESIGNATOR LENGTH')
      .set(off + 4, d.designator);
    off += 4 + d.designator.length;
  }
  return w.bytes;
}

/** The text of an ASCII/UTF-8 designator (T10 vendor id: vendor(8) + product(16) + serial). */
export function designatorText(d: Designator): string | undefined {
  return d.codeSet === 2 || d.codeSet === 3 ? asciiText(d.designator) : undefined;
}
