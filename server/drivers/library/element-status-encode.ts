import { ByteWriter, bits, flag } from '../scsi/bytes.ts';
import type { ElementDescriptor, ElementStatusPage, VolumeTag } from './element-status.ts';

/**
 * The library side of READ ELEMENT STATUS (the reverse of `decodeElementStatus`), for the
 * changer emulator and fixtures. Like mhvtl, every descriptor carries the 4-byte identifier
 * header (length 0 without DVCID); a page's ELEMENT DESCRIPTOR LENGTH fits its longest identifier.
 * Only whole descriptors that fit `allocationLength` are returned; the header still counts all.
 */
export type ElementPageInput = Omit<ElementStatusPage, 'descriptorLength'>;

const WHAT = 'READ ELEMENT STATUS data';

export function descriptorLengthFor(page: ElementPageInput): number {
  const longest = Math.max(0, ...page.elements.map((e) => e.identifier?.identifier.length ?? 0));
  return 12 + (page.pvoltag ? 36 : 0) + (page.avoltag ? 36 : 0) + 4 + longest;
}

export function encodeElementStatus(
  pages: readonly ElementPageInput[],
  allocationLength: number,
): Uint8Array {
  const lengths = pages.map(descriptorLengthFor);
  const available = pages.reduce((n, p, i) => n + 8 + p.elements.length * lengths[i]!, 0);
  const elementCount = pages.reduce((n, p) => n + p.elements.length, 0);
  const header = new ByteWriter(8, WHAT);
  header.u16(
    0,
    pages.find((p) => p.elements.length > 0)?.elements[0]?.address ?? 0,
    'FIRST ELEMENT ADDRESS REPORTED',
  );
  header
    .u16(2, elementCount, 'NUMBER OF ELEMENTS AVAILABLE')
    .u24(5, available, 'BYTE COUNT OF REPORT AVAILABLE');
  const parts: Uint8Array[] = [header.bytes];
  let used = 8;
  pages.forEach((page, i) => {
    const dl = lengths[i]!;
    if (used + 8 > allocationLength) return;
    const ph = new ByteWriter(8, WHAT).u8(0, page.elementType, 'ELEMENT TYPE CODE');
    ph.u8(1, flag(page.pvoltag, 7) | flag(page.avoltag, 6), 'PVOLTAG | AVOLTAG').u16(
      2,
      dl,
      'ELEMENT DESCRIPTOR LENGTH',
    );
    parts.push(ph.u24(5, page.elements.length * dl, 'BYTE COUNT OF DESCRIPTOR DATA AVAILABLE').bytes);
    used += 8;
    for (const e of page.elements) {
      if (used + dl > allocationLength) return;
      parts.push(encodeDescriptor(e, page, dl));
      used += dl;
    }
  });
  const out = new Uint8Array(Math.min(allocationLength, used));
  let off = 0;
  for (const p of parts) {
    out.set(p.subarray(0, out.length - off), off);
    off += p.length;
    if (off >= out.length) break;
  }
  return out;
}

function encodeDescriptor(e: ElementDescriptor, page: ElementPageInput, length: number): Uint8Array {
  const w = new ByteWriter(length, WHAT).u16(0, e.address, 'ELEMENT ADDRESS');
  const ie = page.elementType === 3;
  const flags =
    flag(ie && e.inEnab, 5) |
    flag(ie && e.exEnab, 4) |
    flag(e.access, 3) |
    flag(e.except, 2) |
    flag(ie && e.impExp, 1);
  w.u8(2, flags | flag(e.full, 0), 'element flags')
    .u8(4, e.asc, 'ASC')
    .u8(5, e.ascq, 'ASCQ');
  const b6 = flag(e.notBus, 7) | flag(e.idValid, 5) | flag(e.luValid, 4) | bits(e.lun, 3, 0, WHAT, 'LUN');
  w.u8(6, b6, 'NOT BUS | ID VALID | LU VALID | LUN').u8(7, e.scsiBusAddress, 'SCSI BUS ADDRESS');
  const svalid = e.sourceAddress !== undefined;
  const b9 =
    flag(svalid, 7) | flag(e.invert, 6) | flag(e.disabled, 3) | bits(e.mediumType, 3, 0, WHAT, 'MEDIUM TYPE');
  w.u8(9, b9, 'SVALID | INVERT | ED | MEDIUM TYPE');
  if (svalid) w.u16(10, e.sourceAddress ?? 0, 'SOURCE STORAGE ELEMENT ADDRESS');
  let at = 12;
  if (page.pvoltag) at = writeTag(w, at, e.primaryVolumeTag);
  if (page.avoltag) at = writeTag(w, at, e.alternateVolumeTag);
  if (e.identifier) {
    const id = e.identifier;
    w.u8(at, bits(id.codeSet, 4, 0, WHAT, 'CODE SET'), 'CODE SET');
    w.u8(
      at + 1,
      bits(id.association, 2, 4, WHAT, 'ASSOCIATION') | bits(id.identifierType, 4, 0, WHAT, 'TYPE'),
      'TYPE',
    );
    w.u8(at + 3, id.identifier.length, 'IDENTIFIER LENGTH').set(at + 4, id.identifier);
  }
  return w.bytes;
}

/** A real library zero-fills bytes 32-35 (mhvtl space-fills them; reference §5.2). */
function writeTag(w: ByteWriter, at: number, tag: VolumeTag | undefined): number {
  if (tag && tag.identifier !== '') w.ascii(at, 32, tag.identifier, 'VOLUME IDENTIFIER');
  if (tag) w.u16(at + 34, tag.sequenceNumber, 'VOLUME SEQUENCE NUMBER');
  return at + 36;
}
