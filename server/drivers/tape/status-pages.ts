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

/** SPIN pages 0x0020 Data Encryption Status and 0x0021 Next Block Encryption Status (§2.6-2.7). */
export interface DataEncryptionStatus {
  /** I_T NEXUS SCOPE: the scope in effect for the asking nexus (0 public, 1 local, 2 all). */
  itNexusScope: number;
  /** KEY SCOPE: the scope the key in use was established with. */
  keyScope: number;
  encryptionMode: number;
  decryptionMode: number;
  algorithmIndex: number;
  /** KEY INSTANCE COUNTER: bumped each time a key is established. */
  keyInstanceCounter: number;
  /** PARAMETERS CONTROL: 1 the host may set them, 4 a management interface controls them. */
  parametersControl: number;
  /** VCELB: the loaded volume holds at least one encrypted block. */
  vcelb: boolean;
  ceems: number;
  /** RDMD: blocks written now are marked not raw-readable. */
  rdmd: boolean;
  kadFormat: number;
  asdkCount: number;
  kads: KadDescriptor[];
}

const DES = 'SPIN page 0x0020';

export function decodeDataEncryptionStatus(bytes: Uint8Array): DataEncryptionStatus {
  const { r, end } = readPage(bytes, TAPE_PAGE.DATA_ENCRYPTION_STATUS, DES, 20);
  const b4 = r.u8(4, 'I_T NEXUS SCOPE | KEY SCOPE');
  const b12 = r.u8(12, 'PARAMETERS CONTROL | VCELB | CEEMS | RDMD');
  return {
    itNexusScope: b4 >> 5,
    keyScope: b4 & 7,
    encryptionMode: r.u8(5, 'ENCRYPTION MODE'),
    decryptionMode: r.u8(6, 'DECRYPTION MODE'),
    algorithmIndex: r.u8(7, 'ALGORITHM INDEX'),
    keyInstanceCounter: r.u32(8, 'KEY INSTANCE COUNTER'),
    parametersControl: (b12 >> 4) & 7,
    vcelb: bit(b12, 3),
    ceems: (b12 >> 1) & 3,
    rdmd: bit(b12, 0),
    kadFormat: r.u8(13, 'KAD FORMAT'),
    asdkCount: r.u16(14, 'ASDK COUNT'),
    kads: decodeKads(r, 24, end).map(plainKad),
  };
}

export function encodeDataEncryptionStatus(s: DataEncryptionStatus): Uint8Array {
  const w = pageWriter(TAPE_PAGE.DATA_ENCRYPTION_STATUS, 20 + kadsLength(s.kads), DES);
  w.u8(
    4,
    bits(s.itNexusScope, 3, 5, DES, 'I_T NEXUS SCOPE') | bits(s.keyScope, 3, 0, DES, 'KEY SCOPE'),
    'SCOPES',
  );
  w.u8(5, s.encryptionMode, 'ENCRYPTION MODE').u8(6, s.decryptionMode, 'DECRYPTION MODE');
  w.u8(7, s.algorithmIndex, 'ALGORITHM INDEX').u32(8, s.keyInstanceCounter, 'KEY INSTANCE COUNTER');
  const b12 =
    bits(s.parametersControl, 3, 4, DES, 'PARAMETERS CONTROL') |
    flag(s.vcelb, 3) |
    bits(s.ceems, 2, 1, DES, 'CEEMS') |
    flag(s.rdmd, 0);
  w.u8(12, b12, 'PARAMETERS CONTROL | VCELB | CEEMS | RDMD').u8(13, s.kadFormat, 'KAD FORMAT');
  w.u16(14, s.asdkCount, 'ASDK COUNT');
  writeKads(w, 24, s.kads);
  return w.bytes;
}

export interface NextBlockEncryptionStatus {
  /** LOGICAL OBJECT NUMBER: the block the status is about (the current position). */
  logicalObjectNumber: number;
  compressionStatus: number;
  /** ENCRYPTION STATUS: 3 plain, 5 encrypted and decryptable, 6 encrypted, no or wrong key, … */
  encryptionStatus: number;
  algorithmIndex: number;
  /** EMES: written in EXTERNAL mode. */
  emes: boolean;
  /** RDMDS: marked disabled for raw decryption. */
  rdmds: boolean;
  kadFormat: number;
  /** KADs read from the block: the U-KAD is readable even without the key. */
  kads: KadDescriptor[];
}

const NBES = 'SPIN page 0x0021';

export function decodeNextBlockEncryptionStatus(bytes: Uint8Array): NextBlockEncryptionStatus {
  const { r, end } = readPage(bytes, TAPE_PAGE.NEXT_BLOCK_ENCRYPTION_STATUS, NBES, 12);
  const b12 = r.u8(12, 'COMPRESSION STATUS | ENCRYPTION STATUS');
  const b14 = r.u8(14, 'EMES | RDMDS');
  return {
    logicalObjectNumber: r.u64(4, 'LOGICAL OBJECT NUMBER'),
    compressionStatus: b12 >> 4,
    encryptionStatus: b12 & 0x0f,
    algorithmIndex: r.u8(13, 'ALGORITHM INDEX'),
    emes: bit(b14, 1),
    rdmds: bit(b14, 0),
    kadFormat: r.u8(15, 'KAD FORMAT'),
    kads: decodeKads(r, 16, end).map(plainKad),
  };
}

export function encodeNextBlockEncryptionStatus(s: NextBlockEncryptionStatus): Uint8Array {
  const w = pageWriter(TAPE_PAGE.NEXT_BLOCK_ENCRYPTION_STATUS, 12 + kadsLength(s.kads), NBES);
  w.u64(4, s.logicalObjectNumber, 'LOGICAL OBJECT NUMBER');
  const b12 =
    bits(s.compressionStatus, 4, 4, NBES, 'COMPRESSION STATUS') |
    bits(s.encryptionStatus, 4, 0, NBES, 'STATUS');
  w.u8(12, b12, 'COMPRESSION STATUS | ENCRYPTION STATUS').u8(13, s.algorithmIndex, 'ALGORITHM INDEX');
  w.u8(14, flag(s.emes, 1) | flag(s.rdmds, 0), 'EMES | RDMDS').u8(15, s.kadFormat, 'KAD FORMAT');
  writeKads(w, 16, s.kads);
  return w.bytes;
}
