/**
 * LTO drive models as data (STYLE §3.6). Identity strings follow reference lto-scsi.md §5.1
 * (IBM `ULT3580-TDn/HHn`, HPE `Ultrium n-SCSI`, Quantum `ULTRIUM-HHn`; generation A = LTO-10).
 * Firmware revisions other than IBM's Q3A0 (seen in stenc output) and serial formats are
 * ASSUMED. Capability values are the reference's LTO ones (§2.3, §2.5); where drives differ
 * and the reference does not say which does what, the choice is a `quirks` entry so tests can
 * run both readings.
 */
export interface DriveQuirks {
  /** NBES (0x0021) with no cartridge: Quantum answers an all-zero page, mhvtl 2/3A/00. */
  nbesNoMedium: 'zeros' | 'not-ready';
  /** NBES on a blank cartridge: HP answers BLANK CHECK 8/14/03 (stenc #71), others status 1. */
  nbesBlank: 'blank-check' | 'status-1';
  /** Sense key of 74/21 when the library or system controls encryption (unverified: 5 or 7). */
  configPreventedSenseKey: 5 | 7;
  /** A KAD sent with encryption off: Quantum rejects it (5/26/00), others ignore it. */
  kadWithEncryptionOff: 'reject' | 'ignore';
  /** After a failed decrypt the position stays (mhvtl, the safe default) or moves past the block. */
  positionAfterDecryptError: 'unchanged' | 'after';
  /** Clearing a key at demount (CKOD) raises 6/2A/12 on the other nexuses (⚠ reference). */
  uaOnCkodClear: boolean;
  /** Refuse SPIN allocation lengths above this with 5/24/00 (the stenc #55 hypothesis). */
  maxSpinAllocation?: number;
}

export interface DriveModel {
  vendor: string;
  product: string;
  revision: string;
  generation: number;
  /** `#` digit, `?` upper-case letter or digit; anything else literal. */
  serialPattern: string;
  /** KADF_C: the drive takes a KAD FORMAT (stenc 2.0 then sends 0x02). */
  kadfC: boolean;
  maxUkadLength: number;
  maxAkadLength: number;
  /** Milliseconds a load takes (TEST UNIT READY says 2/04/01 meanwhile). */
  loadTimeMs: number;
  quirks: DriveQuirks;
}

const BASE_QUIRKS: DriveQuirks = {
  nbesNoMedium: 'not-ready',
  nbesBlank: 'status-1',
  configPreventedSenseKey: 7,
  kadWithEncryptionOff: 'ignore',
  positionAfterDecryptError: 'unchanged',
  uaOnCkodClear: true,
};

const ibm = (product: string, generation: number): DriveModel => ({
  vendor: 'IBM',
  product,
  revision: 'Q3A0',
  generation,
  serialPattern: '10#######',
  kadfC: false,
  maxUkadLength: 32,
  maxAkadLength: 12,
  loadTimeMs: 30,
  quirks: BASE_QUIRKS,
});

const hpe = (generation: number): DriveModel => ({
  vendor: 'HPE',
  product: `Ultrium ${generation}-SCSI`,
  revision: generation >= 9 ? 'Q2J0' : 'J5GW',
  generation,
  serialPattern: 'HU########',
  kadfC: true,
  maxUkadLength: 32,
  maxAkadLength: 12,
  loadTimeMs: 30,
  quirks: { ...BASE_QUIRKS, nbesBlank: 'blank-check' },
});

const quantum = (generation: number): DriveModel => ({
  vendor: 'QUANTUM',
  product: `ULTRIUM-HH${generation}`,
  revision: 'Q4L0',
  generation,
  serialPattern: '10WT######',
  kadfC: false,
  maxUkadLength: 32,
  maxAkadLength: 12,
  loadTimeMs: 30,
  quirks: { ...BASE_QUIRKS, nbesNoMedium: 'zeros', kadWithEncryptionOff: 'reject' },
});

export const DRIVE_MODELS = {
  'ibm-td8': ibm('ULT3580-TD8', 8),
  'ibm-hh8': ibm('ULT3580-HH8', 8),
  'ibm-hh9': ibm('ULT3580-HH9', 9),
  'ibm-td9': ibm('ULT3580-TD9', 9),
  'ibm-tda': ibm('ULT3580-TDA', 10),
  'ibm-lib-hh9': ibm('ULTRIUM-HH9', 9),
  'hpe-lto7': hpe(7),
  'hpe-lto8': hpe(8),
  'hpe-lto9': hpe(9),
  'quantum-hh8': quantum(8),
  'quantum-hh9': quantum(9),
} satisfies Record<string, DriveModel>;

export type DriveModelKey = keyof typeof DRIVE_MODELS;

export function isDriveModelKey(key: string): key is DriveModelKey {
  return Object.hasOwn(DRIVE_MODELS, key);
}
