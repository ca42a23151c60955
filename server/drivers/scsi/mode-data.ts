import { ByteReader, ByteWriter, bit, bits, flag } from './bytes.ts';

/**
 * MODE SENSE(6)/(10) parameter data: header, block descriptors and mode pages (SPC). A tape
 * drive's block descriptor carries the cartridge's density code (reference §5.5); a changer's
 * page 0x1D is the element address assignment (library/element-address-page.ts).
 */
export interface BlockDescriptor {
  /** DENSITY CODE: which LTO generation the loaded cartridge is (0x5E = LTO-8, …). */
  densityCode: number;
  numberOfBlocks: number;
  blockLength: number;
}

export interface ModePage {
  page: number;
  /** Present only for sub-page format (SPF) pages. */
  subpage?: number;
  parametersSaveable: boolean;
  /** The page bytes after its 2-byte (or 4-byte SPF) header. */
  data: Uint8Array;
}

export interface ModeParameterData {
  mediumType: number;
  /** DEVICE-SPECIFIC PARAMETER; for tape bit 7 is WP (write protected). */
  deviceSpecific: number;
  writeProtected: boolean;
  blockDescriptors: BlockDescriptor[];
  pages: ModePage[];
}

export function decodeModeParameters(bytes: Uint8Array, form: 6 | 10): ModeParameterData {
  const r = new ByteReader(bytes, `MODE SENSE(${form}) data`);
  const headerSize = form === 6 ? 4 : 8;
  const announced = form === 6 ? 1 + r.u8(0, 'MODE DATA LENGTH') : 2 + r.u16(0, 'MODE DATA LENGTH');
  if (announced < headerSize) throw r.fail('MODE DATA LENGTH', 0, `${announced} is shorter than the header`);
  r.need(0, headerSize, 'mode parameter header');
  const end = Math.min(announced, r.length);
  const deviceSpecific = r.u8(form === 6 ? 2 : 3, 'DEVICE-SPECIFIC PARAMETER');
  const bdLength = form === 6 ? r.u8(3, 'BLOCK DESCRIPTOR LENGTH') : r.u16(6, 'BLOCK DESCRIPTOR LENGTH');
  if (form === 10 && bit(r.u8(4, 'LONGLBA'), 0))
    throw r.fail('LONGLBA', 4, 'long LBA descriptors are not used by tape');
  if (bdLength % 8 !== 0)
    throw r.fail('BLOCK DESCRIPTOR LENGTH', form === 6 ? 3 : 6, `${bdLength} is not a multiple of 8`);
  if (headerSize + bdLength > end)
    throw r.fail('BLOCK DESCRIPTOR LENGTH', form === 6 ? 3 : 6, 'runs past the data');
  const blockDescriptors: BlockDescriptor[] = [];
  for (let off = headerSize; off < headerSize + bdLength; off += 8) {
    blockDescriptors.push({
      densityCode: r.u8(off, 'DENSITY CODE'),
      numberOfBlocks: r.u24(off + 1, 'NUMBER OF BLOCKS'),
      blockLength: r.u24(off + 5, 'BLOCK LENGTH'),
    });
  }
  const pages: ModePage[] = [];
  for (let off = headerSize + bdLength; off + 2 <= end;) {
    const b0 = r.u8(off, 'PAGE CODE');
    const spf = bit(b0, 6);
    const size = spf ? 4 + r.u16(off + 2, 'PAGE LENGTH') : 2 + r.u8(off + 1, 'PAGE LENGTH');
    if (off + size > end) throw r.fail('PAGE LENGTH', off + 1, 'runs past the data');
    pages.push({
      page: b0 & 0x3f,
      ...(spf ? { subpage: r.u8(off + 1, 'SUBPAGE CODE') } : {}),
      parametersSaveable: bit(b0, 7),
      data: r.slice(off + (spf ? 4 : 2), size - (spf ? 4 : 2), 'page data'),
    });
    off += size;
  }
  return {
    mediumType: r.u8(form === 6 ? 1 : 2, 'MEDIUM TYPE'),
    deviceSpecific,
    writeProtected: bit(deviceSpecific, 7),
    blockDescriptors,
    pages,
  };
}

export function encodeModeParameters(d: Omit<ModeParameterData, 'writeProtected'>, form: 6 | 10): Uint8Array {
  const what = `MODE SENSE(${form}) data`;
  const headerSize = form === 6 ? 4 : 8;
  const pageBytes = d.pages.reduce((n, p) => n + (p.subpage === undefined ? 2 : 4) + p.data.length, 0);
  const total = headerSize + 8 * d.blockDescriptors.length + pageBytes;
  const w = new ByteWriter(total, what);
  if (form === 6) {
    w.u8(0, total - 1, 'MODE DATA LENGTH')
      .u8(1, d.mediumType, 'MEDIUM TYPE')
      .u8(2, d.deviceSpecific, 'DSP');
    w.u8(3, 8 * d.blockDescriptors.length, 'BLOCK DESCRIPTOR LENGTH');
  } else {
    w.u16(0, total - 2, 'MODE DATA LENGTH')
      .u8(2, d.mediumType, 'MEDIUM TYPE')
      .u8(3, d.deviceSpecific, 'DSP');
    w.u16(6, 8 * d.blockDescriptors.length, 'BLOCK DESCRIPTOR LENGTH');
  }
  let off = headerSize;
  for (const b of d.blockDescriptors) {
    w.u8(off, b.densityCode, 'DENSITY CODE').u24(off + 1, b.numberOfBlocks, 'NUMBER OF BLOCKS');
    w.u24(off + 5, b.blockLength, 'BLOCK LENGTH');
    off += 8;
  }
  for (const p of d.pages) {
    const spf = p.subpage !== undefined;
    w.u8(
      off,
      flag(p.parametersSaveable, 7) | flag(spf, 6) | bits(p.page, 6, 0, what, 'PAGE CODE'),
      'PAGE CODE',
    );
    if (spf) w.u8(off + 1, p.subpage ?? 0, 'SUBPAGE CODE').u16(off + 2, p.data.length, 'PAGE LENGTH');
    else w.u8(off + 1, p.data.length, 'PAGE LENGTH');
    w.set(off + (spf ? 4 : 2), p.data);
    off += (spf ? 4 : 2) + p.data.length;
  }
  return w.bytes;
}
