import { ByteReader, asciiText, bit } from '../scsi/bytes.ts';

/**
 * READ ELEMENT STATUS data (reference §5.2): an 8-byte header, then one page per element type,
 * each an 8-byte page header plus descriptors of ELEMENT DESCRIPTOR LENGTH bytes. Lengths are
 * read, never assumed: libraries differ (16, 52, 86, Dell pads DVCID to 64 — §5.4). A report
 * the allocation length cut short is normal (a host asks with 8 bytes to learn the size): whole
 * descriptors are kept and `truncated` is set. Lengths that contradict each other fail.
 */
export interface VolumeTag {
  /** VOLUME IDENTIFIER, spaces trimmed; '' for no or an unreadable label. */
  identifier: string;
  sequenceNumber: number;
}

export interface DeviceIdentifier {
  /** CODE SET: 1 binary, 2 ASCII. */
  codeSet: number;
  association: number;
  /** IDENTIFIER TYPE: 0 vendor specific (often the serial), 1 T10 vendor id (vendor+product+serial). */
  identifierType: number;
  identifier: Uint8Array;
}

export interface ElementDescriptor {
  elementType: number;
  address: number;
  full: boolean;
  /** IMPEXP (I/E): placed by an operator rather than the robot. */
  impExp: boolean;
  except: boolean;
  access: boolean;
  exEnab: boolean;
  inEnab: boolean;
  /** ASC/ASCQ of the abnormal state, valid when `except`. */
  asc: number;
  ascq: number;
  /** Data transfer elements: NOT BUS, ID VALID, LU VALID, LUN, SCSI BUS ADDRESS. */
  notBus: boolean;
  idValid: boolean;
  luValid: boolean;
  lun: number;
  scsiBusAddress: number;
  /** ED: element disabled. */
  disabled: boolean;
  invert: boolean;
  /** MEDIUM TYPE: 0 unspecified, 1 data, 2 cleaning, 3 diagnostic, 4 WORM. */
  mediumType: number;
  /** SOURCE STORAGE ELEMENT ADDRESS when SVALID. */
  sourceAddress?: number;
  primaryVolumeTag?: VolumeTag;
  alternateVolumeTag?: VolumeTag;
  identifier?: DeviceIdentifier;
}

export interface ElementStatusPage {
  elementType: number;
  pvoltag: boolean;
  avoltag: boolean;
  descriptorLength: number;
  elements: ElementDescriptor[];
}

export interface ElementStatusData {
  firstElementAddress: number;
  numberOfElementsAvailable: number;
  /** BYTE COUNT OF REPORT AVAILABLE: what a full report takes, excluding the 8-byte header. */
  byteCountAvailable: number;
  pages: ElementStatusPage[];
  truncated: boolean;
}

export function decodeElementStatus(bytes: Uint8Array): ElementStatusData {
  const r = new ByteReader(bytes, 'READ ELEMENT STATUS data');
  const byteCountAvailable = r.u24(5, 'BYTE COUNT OF REPORT AVAILABLE');
  const data: ElementStatusData = {
    firstElementAddress: r.u16(0, 'FIRST ELEMENT ADDRESS REPORTED'),
    numberOfElementsAvailable: r.u16(2, 'NUMBER OF ELEMENTS AVAILABLE'),
    byteCountAvailable,
    pages: [],
    truncated: false,
  };
  const reportEnd = 8 + byteCountAvailable;
  const end = Math.min(reportEnd, r.length);
  let off = 8;
  while (off < end) {
    if (off + 8 > end) break; // a page header the allocation length cut
    const descriptorLength = r.u16(off + 2, 'ELEMENT DESCRIPTOR LENGTH');
    const pageBytes = r.u24(off + 5, 'BYTE COUNT OF DESCRIPTOR DATA AVAILABLE');
    if (descriptorLength < 12)
      throw r.fail('ELEMENT DESCRIPTOR LENGTH', off + 2, `${descriptorLength} is below 12`);
    if (pageBytes % descriptorLength !== 0) {
      throw r.fail(
        'BYTE COUNT OF DESCRIPTOR DATA AVAILABLE',
        off + 5,
        `${pageBytes} is not a multiple of ${descriptorLength}`,
      );
    }
    if (off + 8 + pageBytes > reportEnd)
      throw r.fail('BYTE COUNT OF DESCRIPTOR DATA AVAILABLE', off + 5, 'runs past the report');
    const b1 = r.u8(off + 1, 'PVOLTAG | AVOLTAG');
    const page: ElementStatusPage = {
      elementType: r.u8(off, 'ELEMENT TYPE CODE') & 0x0f,
      pvoltag: bit(b1, 7),
      avoltag: bit(b1, 6),
      descriptorLength,
      elements: [],
    };
    const tagBytes = (page.pvoltag ? 36 : 0) + (page.avoltag ? 36 : 0);
    if (12 + tagBytes > descriptorLength) {
      throw r.fail('ELEMENT DESCRIPTOR LENGTH', off + 2, `${descriptorLength} cannot hold the volume tags`);
    }
    const pageEnd = off + 8 + pageBytes;
    for (let d = off + 8; d + descriptorLength <= Math.min(pageEnd, end); d += descriptorLength) {
      page.elements.push(decodeDescriptor(r, d, page));
    }
    data.pages.push(page);
    off = pageEnd;
  }
  data.truncated = reportEnd > r.length;
  return data;
}

function decodeDescriptor(r: ByteReader, off: number, page: ElementStatusPage): ElementDescriptor {
  const flags = r.u8(off + 2, 'element flags');
  const b6 = r.u8(off + 6, 'NOT BUS | ID VALID | LU VALID | LUN');
  const b9 = r.u8(off + 9, 'SVALID | INVERT | ED | MEDIUM TYPE');
  const e: ElementDescriptor = {
    elementType: page.elementType,
    address: r.u16(off, 'ELEMENT ADDRESS'),
    full: bit(flags, 0),
    impExp: page.elementType === 3 && bit(flags, 1),
    except: bit(flags, 2),
    access: bit(flags, 3),
    exEnab: page.elementType === 3 && bit(flags, 4),
    inEnab: page.elementType === 3 && bit(flags, 5),
    asc: r.u8(off + 4, 'ASC'),
    ascq: r.u8(off + 5, 'ASCQ'),
    notBus: bit(b6, 7),
    idValid: bit(b6, 5),
    luValid: bit(b6, 4),
    lun: b6 & 7,
    scsiBusAddress: r.u8(off + 7, 'SCSI BUS ADDRESS'),
    disabled: bit(b9, 3),
    invert: bit(b9, 6),
    mediumType: b9 & 7,
  };
  if (bit(b9, 7)) e.sourceAddress = r.u16(off + 10, 'SOURCE STORAGE ELEMENT ADDRESS');
  let at = off + 12;
  if (page.pvoltag) {
    e.primaryVolumeTag = volumeTag(r, at, 'PRIMARY VOLUME TAG');
    at += 36;
  }
  if (page.avoltag) {
    e.alternateVolumeTag = volumeTag(r, at, 'ALTERNATE VOLUME TAG');
    at += 36;
  }
  const descEnd = off + page.descriptorLength;
  if (at + 4 <= descEnd) {
    const size = r.u8(at + 3, 'IDENTIFIER LENGTH');
    if (at + 4 + size > descEnd)
      throw r.fail('IDENTIFIER LENGTH', at + 3, `${size} runs past the descriptor`);
    const b1 = r.u8(at + 1, 'ASSOCIATION | IDENTIFIER TYPE');
    if (size > 0) {
      e.identifier = {
        codeSet: r.u8(at, 'CODE SET') & 0x0f,
        association: (b1 >> 4) & 3,
        identifierType: b1 & 0x0f,
        identifier: r.slice(at + 4, size, 'IDENTIFIER'),
      };
    }
  }
  return e;
}

function volumeTag(r: ByteReader, off: number, field: string): VolumeTag {
  const raw = r.slice(off, 32, field);
  const identifier = raw.every((b) => b === 0) ? '' : asciiText(raw).trim();
  // mhvtl space-fills bytes 32-35 where a real library zero-fills them (reference §5.2).
  const tail = r.slice(off + 32, 4, `${field} SEQUENCE NUMBER`);
  const sequenceNumber = tail.every((b) => b === 0x20) ? 0 : r.u16(off + 34, `${field} SEQUENCE NUMBER`);
  return { identifier, sequenceNumber };
}

/** The identifier as text when it is ASCII (serial, or vendor+product+serial). */
export function identifierText(id: DeviceIdentifier): string | undefined {
  return id.codeSet === 2 || id.codeSet === 3 ? asciiText(id.identifier) : undefined;
}
