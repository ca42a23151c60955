import { bit, bits, flag } from '../scsi/bytes.ts';
import { TAPE_PAGE } from './encryption-constants.ts';
import {
  decodeKads,
  kadsLength,
  pageWriter,
  plainKad,
  readPage,
  writeKads,
  type KadDescriptor,
} from './page-codec.ts';

/**
 * SPOUT page 0x0010, Set Data Encryption (reference §3.1): 20 header bytes, the key, then KAD
 * descriptors. The encoded page holds plaintext key material: the caller zeroes it
 * (`page.fill(0)`) as soon as the command has been sent.
 */
export interface SetDataEncryption {
  /** SCOPE: 0 public, 1 local, 2 all I_T nexus (what stenc and LTFS send). */
  scope: number;
  lock: boolean;
  /** CEEM: 1 = do not check the mode a block was written with (stenc 2.0). */
  ceem: number;
  /** RDMC: 0 per algorithm default, 2 raw read enabled, 3 raw read disabled. */
  rdmc: number;
  sdk: boolean;
  /** CKOD: clear the key when the cartridge is demounted. */
  ckod: boolean;
  ckorp: boolean;
  ckorl: boolean;
  encryptionMode: number;
  decryptionMode: number;
  algorithmIndex: number;
  keyFormat: number;
  kadFormat: number;
  key: Uint8Array;
  /** U-KAD (type 0) and/or A-KAD (type 1), AUTHENTICATED 0, in ascending type order. */
  kads: KadDescriptor[];
}

const WHAT = 'SPOUT page 0x0010';

export function encodeSetDataEncryption(p: SetDataEncryption): Uint8Array {
  const w = pageWriter(TAPE_PAGE.SET_DATA_ENCRYPTION, 16 + p.key.length + kadsLength(p.kads), WHAT);
  w.u8(4, bits(p.scope, 3, 5, WHAT, 'SCOPE') | flag(p.lock, 0), 'SCOPE | LOCK');
  const b5 =
    bits(p.ceem, 2, 6, WHAT, 'CEEM') |
    bits(p.rdmc, 2, 4, WHAT, 'RDMC') |
    flag(p.sdk, 3) |
    flag(p.ckod, 2) |
    flag(p.ckorp, 1) |
    flag(p.ckorl, 0);
  w.u8(5, b5, 'CEEM | RDMC | SDK | CKOD | CKORP | CKORL');
  w.u8(6, p.encryptionMode, 'ENCRYPTION MODE').u8(7, p.decryptionMode, 'DECRYPTION MODE');
  w.u8(8, p.algorithmIndex, 'ALGORITHM INDEX')
    .u8(9, p.keyFormat, 'KEY FORMAT')
    .u8(10, p.kadFormat, 'KAD FORMAT');
  w.u16(18, p.key.length, 'KEY LENGTH').set(20, p.key);
  writeKads(w, 20 + p.key.length, p.kads);
  return w.bytes;
}

/**
 * The device side. Strict as a drive is: non-zero reserved bits, a KAD with AUTHENTICATED set
 * or reserved bits (stenc 1.0.7's bug, issue #11), or a KEY LENGTH running past the page fail
 * with `SCSI_DECODE_FAILED` whose `detail.offset` is the FIELD POINTER for 5/26/00.
 */
export function decodeSetDataEncryption(bytes: Uint8Array): SetDataEncryption {
  const { r, end } = readPage(bytes, TAPE_PAGE.SET_DATA_ENCRYPTION, WHAT, 16);
  const b4 = r.u8(4, 'SCOPE | LOCK');
  if (b4 & 0x1e) throw r.fail('reserved bits', 4, 'are not zero');
  for (let off = 11; off < 18; off++)
    if (r.u8(off, 'reserved') !== 0) throw r.fail('reserved byte', off, 'is not zero');
  const keyLength = r.u16(18, 'KEY LENGTH');
  if (20 + keyLength > end) throw r.fail('KEY LENGTH', 18, `${keyLength} runs past the PAGE LENGTH`);
  const kads = decodeKads(r, 20 + keyLength, end);
  for (const k of kads) {
    if (k.reservedBits !== 0 || k.authenticated !== 0) {
      throw r.fail(
        'KEY DESCRIPTOR byte 1',
        k.offset + 1,
        'must be zero in SPOUT (reserved and AUTHENTICATED)',
      );
    }
  }
  const b5 = r.u8(5, 'CEEM | RDMC | SDK | CKOD | CKORP | CKORL');
  return {
    scope: b4 >> 5,
    lock: bit(b4, 0),
    ceem: b5 >> 6,
    rdmc: (b5 >> 4) & 3,
    sdk: bit(b5, 3),
    ckod: bit(b5, 2),
    ckorp: bit(b5, 1),
    ckorl: bit(b5, 0),
    encryptionMode: r.u8(6, 'ENCRYPTION MODE'),
    decryptionMode: r.u8(7, 'DECRYPTION MODE'),
    algorithmIndex: r.u8(8, 'ALGORITHM INDEX'),
    keyFormat: r.u8(9, 'KEY FORMAT'),
    kadFormat: r.u8(10, 'KAD FORMAT'),
    key: r.slice(20, keyLength, 'KEY'),
    kads: kads.map(plainKad),
  };
}

/** Byte offset of each KAD descriptor in an encoded page, for field pointers. */
export function kadOffsets(p: Pick<SetDataEncryption, 'key' | 'kads'>): number[] {
  let off = 20 + p.key.length;
  return p.kads.map((k) => {
    const at = off;
    off += 4 + k.data.length;
    return at;
  });
}
