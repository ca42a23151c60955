import { bit, bits, flag } from '../scsi/bytes.ts';
import { TAPE_PAGE } from './encryption-constants.ts';
import { pageWriter, readPage } from './page-codec.ts';

/** SPIN page 0x0010, Data Encryption Capabilities (reference §2.3). */
export interface AlgorithmDescriptor {
  /** The value for SPOUT byte 8 (1 on LTO). */
  index: number;
  /** AVFMV: valid for the mounted volume (an LTO-4+ cartridge is loaded). */
  avfmv: boolean;
  sdkC: boolean;
  macC: boolean;
  delbC: boolean;
  /** DECRYPT_C / ENCRYPT_C: 2 = hardware capable. */
  decryptC: number;
  encryptC: number;
  /** AVFCLP: 0 no volume, 2 valid for writing at this position. */
  avfclp: number;
  nonceC: number;
  /** KADF_C: the KAD FORMAT field is supported (send 0x02 ASCII). */
  kadfC: boolean;
  vcelbC: boolean;
  /** U-KAD / A-KAD length fixed: pad to the maximum. */
  ukadFixed: boolean;
  akadFixed: boolean;
  maxUkadLength: number;
  maxAkadLength: number;
  keyLength: number;
  /** DKAD_C: 1 = a U-KAD is required to decrypt (meaning of 2 is disputed, see the reference). */
  dkadC: number;
  eemcC: number;
  /** RDMC_C: raw decryption mode control capability (1 none, 4-7 see the reference). */
  rdmcC: number;
  earem: boolean;
  maxEedkCount: number;
  msdkCount: number;
  maxEedkSize: number;
  /** SECURITY ALGORITHM CODE: 0x00010014 = AES-256-GCM. */
  algorithmCode: number;
}

export interface EncryptionCapabilities {
  /** EXTDECC: 2 = external data encryption control capable. */
  extdecc: number;
  /** CFG_P: 1 the host may set parameters, 2 it may not (library- or system-managed). */
  cfgP: number;
  algorithms: AlgorithmDescriptor[];
}

const WHAT = 'SPIN page 0x0010';
/** DESCRIPTOR LENGTH of every known drive; shorter ones would lack the algorithm code. */
const DESCRIPTOR_LENGTH = 20;

export function decodeCapabilities(bytes: Uint8Array): EncryptionCapabilities {
  const { r, end } = readPage(bytes, TAPE_PAGE.CAPABILITIES, WHAT, 16);
  const b4 = r.u8(4, 'EXTDECC | CFG_P');
  const algorithms: AlgorithmDescriptor[] = [];
  for (let off = 20; off < end;) {
    const length = r.u16(off + 2, 'DESCRIPTOR LENGTH');
    if (length < DESCRIPTOR_LENGTH)
      throw r.fail('DESCRIPTOR LENGTH', off + 2, `${length} is shorter than 20`);
    if (off + 4 + length > end)
      throw r.fail('DESCRIPTOR LENGTH', off + 2, `${length} runs past the PAGE LENGTH`);
    const f4 = r.u8(off + 4, 'AVFMV … ENCRYPT_C');
    const f5 = r.u8(off + 5, 'AVFCLP … AKADF');
    const f12 = r.u8(off + 12, 'DKAD_C | EEMC_C | RDMC_C | EAREM');
    algorithms.push({
      index: r.u8(off, 'ALGORITHM INDEX'),
      avfmv: bit(f4, 7),
      sdkC: bit(f4, 6),
      macC: bit(f4, 5),
      delbC: bit(f4, 4),
      decryptC: (f4 >> 2) & 3,
      encryptC: f4 & 3,
      avfclp: f5 >> 6,
      nonceC: (f5 >> 4) & 3,
      kadfC: bit(f5, 3),
      vcelbC: bit(f5, 2),
      ukadFixed: bit(f5, 1),
      akadFixed: bit(f5, 0),
      maxUkadLength: r.u16(off + 6, 'MAXIMUM U-KAD LENGTH'),
      maxAkadLength: r.u16(off + 8, 'MAXIMUM A-KAD LENGTH'),
      keyLength: r.u16(off + 10, 'KEY LENGTH'),
      dkadC: f12 >> 6,
      eemcC: (f12 >> 4) & 3,
      rdmcC: (f12 >> 1) & 7,
      earem: bit(f12, 0),
      maxEedkCount: r.u8(off + 13, 'MAXIMUM EEDK COUNT') & 0x0f,
      msdkCount: r.u16(off + 14, 'MSDK_COUNT'),
      maxEedkSize: r.u16(off + 16, 'MAXIMUM EEDK SIZE'),
      algorithmCode: r.u32(off + 20, 'SECURITY ALGORITHM CODE'),
    });
    off += 4 + length;
  }
  return { extdecc: (b4 >> 2) & 3, cfgP: b4 & 3, algorithms };
}

export function encodeCapabilities(c: EncryptionCapabilities): Uint8Array {
  const w = pageWriter(TAPE_PAGE.CAPABILITIES, 16 + 24 * c.algorithms.length, WHAT);
  w.u8(4, bits(c.extdecc, 2, 2, WHAT, 'EXTDECC') | bits(c.cfgP, 2, 0, WHAT, 'CFG_P'), 'EXTDECC | CFG_P');
  c.algorithms.forEach((a, i) => {
    const off = 20 + 24 * i;
    w.u8(off, a.index, 'ALGORITHM INDEX').u16(off + 2, DESCRIPTOR_LENGTH, 'DESCRIPTOR LENGTH');
    const f4 =
      flag(a.avfmv, 7) |
      flag(a.sdkC, 6) |
      flag(a.macC, 5) |
      flag(a.delbC, 4) |
      bits(a.decryptC, 2, 2, WHAT, 'DECRYPT_C') |
      bits(a.encryptC, 2, 0, WHAT, 'ENCRYPT_C');
    const f5 =
      bits(a.avfclp, 2, 6, WHAT, 'AVFCLP') |
      bits(a.nonceC, 2, 4, WHAT, 'NONCE_C') |
      flag(a.kadfC, 3) |
      flag(a.vcelbC, 2) |
      flag(a.ukadFixed, 1) |
      flag(a.akadFixed, 0);
    const f12 =
      bits(a.dkadC, 2, 6, WHAT, 'DKAD_C') |
      bits(a.eemcC, 2, 4, WHAT, 'EEMC_C') |
      bits(a.rdmcC, 3, 1, WHAT, 'RDMC_C') |
      flag(a.earem, 0);
    w.u8(off + 4, f4, 'AVFMV … ENCRYPT_C').u8(off + 5, f5, 'AVFCLP … AKADF');
    w.u16(off + 6, a.maxUkadLength, 'MAXIMUM U-KAD LENGTH').u16(
      off + 8,
      a.maxAkadLength,
      'MAXIMUM A-KAD LENGTH',
    );
    w.u16(off + 10, a.keyLength, 'KEY LENGTH').u8(off + 12, f12, 'DKAD_C | EEMC_C | RDMC_C | EAREM');
    w.u8(off + 13, bits(a.maxEedkCount, 4, 0, WHAT, 'MAXIMUM EEDK COUNT'), 'MAXIMUM EEDK COUNT');
    w.u16(off + 14, a.msdkCount, 'MSDK_COUNT').u16(off + 16, a.maxEedkSize, 'MAXIMUM EEDK SIZE');
    w.u32(off + 20, a.algorithmCode, 'SECURITY ALGORITHM CODE');
  });
  return w.bytes;
}
