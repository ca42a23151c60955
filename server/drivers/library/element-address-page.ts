import { ByteReader, ByteWriter } from '../scsi/bytes.ts';

/**
 * MODE SENSE page 0x1D, Element Address Assignment (reference §5.3): where each element type's
 * addresses start and how many there are. `data` is the page after its 2-byte header, as
 * `decodeModeParameters` returns it.
 */
export const ELEMENT_ADDRESS_PAGE = 0x1d;

export interface ElementRange {
  first: number;
  count: number;
}

export interface ElementAddressAssignment {
  transport: ElementRange;
  storage: ElementRange;
  importExport: ElementRange;
  dataTransfer: ElementRange;
}

const WHAT = 'mode page 0x1D';

export function decodeElementAddressPage(data: Uint8Array): ElementAddressAssignment {
  // Offsets below are relative to the page body; the table in the reference counts the header.
  const r = new ByteReader(data, WHAT);
  const range = (off: number, name: string): ElementRange => ({
    first: r.u16(off, `first ${name} address`),
    count: r.u16(off + 2, `number of ${name} elements`),
  });
  return {
    transport: range(0, 'medium transport'),
    storage: range(4, 'storage'),
    importExport: range(8, 'import/export'),
    dataTransfer: range(12, 'data transfer'),
  };
}

/** The page body (0x12 bytes): pass it as a ModePage's `data` with page 0x1D. */
export function encodeElementAddressPage(a: ElementAddressAssignment): Uint8Array {
  const w = new ByteWriter(0x12, WHAT);
  const put = (off: number, range: ElementRange, name: string) =>
    w.u16(off, range.first, `first ${name} address`).u16(off + 2, range.count, `number of ${name} elements`);
  put(0, a.transport, 'medium transport');
  put(4, a.storage, 'storage');
  put(8, a.importExport, 'import/export');
  put(12, a.dataTransfer, 'data transfer');
  return w.bytes;
}

/** Which element type an address belongs to, or undefined. */
export function elementTypeOf(a: ElementAddressAssignment, address: number): 1 | 2 | 3 | 4 | undefined {
  const within = (r: ElementRange) => address >= r.first && address < r.first + r.count;
  if (within(a.transport)) return 1;
  if (within(a.storage)) return 2;
  if (within(a.importExport)) return 3;
  if (within(a.dataTransfer)) return 4;
  return undefined;
}
