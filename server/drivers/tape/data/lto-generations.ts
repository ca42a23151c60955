/**
 * LTO generations (reference lto-scsi.md §6.1-6.2): barcode media ids, density codes, native
 * capacity, encryption, and which cartridges each drive generation reads and writes.
 * LTO-10 WORM label and compressed capacity are unverified in the reference and left out.
 */
export interface LtoGeneration {
  /** 1..10; LTO-7 Type M (M8) is generation 7 media initialised by an LTO-8 drive. */
  generation: number;
  dataLabel: string;
  wormLabel?: string;
  densityCode: number;
  nativeCapacityGB: number;
  /** AES-256-GCM on the drive and the cartridge: LTO-4 and later. */
  encryption: boolean;
}

export const LTO_GENERATIONS: readonly LtoGeneration[] = [
  { generation: 1, dataLabel: 'L1', densityCode: 0x40, nativeCapacityGB: 100, encryption: false },
  { generation: 2, dataLabel: 'L2', densityCode: 0x42, nativeCapacityGB: 200, encryption: false },
  {
    generation: 3,
    dataLabel: 'L3',
    wormLabel: 'LT',
    densityCode: 0x44,
    nativeCapacityGB: 400,
    encryption: false,
  },
  {
    generation: 4,
    dataLabel: 'L4',
    wormLabel: 'LU',
    densityCode: 0x46,
    nativeCapacityGB: 800,
    encryption: true,
  },
  {
    generation: 5,
    dataLabel: 'L5',
    wormLabel: 'LV',
    densityCode: 0x58,
    nativeCapacityGB: 1500,
    encryption: true,
  },
  {
    generation: 6,
    dataLabel: 'L6',
    wormLabel: 'LW',
    densityCode: 0x5a,
    nativeCapacityGB: 2500,
    encryption: true,
  },
  {
    generation: 7,
    dataLabel: 'L7',
    wormLabel: 'LX',
    densityCode: 0x5c,
    nativeCapacityGB: 6000,
    encryption: true,
  },
  { generation: 7, dataLabel: 'M8', densityCode: 0x5d, nativeCapacityGB: 9000, encryption: true },
  {
    generation: 8,
    dataLabel: 'L8',
    wormLabel: 'LY',
    densityCode: 0x5e,
    nativeCapacityGB: 12000,
    encryption: true,
  },
  {
    generation: 9,
    dataLabel: 'L9',
    wormLabel: 'LZ',
    densityCode: 0x60,
    nativeCapacityGB: 18000,
    encryption: true,
  },
  { generation: 10, dataLabel: 'LA', densityCode: 0x62, nativeCapacityGB: 30000, encryption: true },
  { generation: 10, dataLabel: 'PA', densityCode: 0x63, nativeCapacityGB: 40000, encryption: true },
];

/** §6.2: media ids a drive generation reads and writes, and reads only. WORM ids follow their data id. */
export const DRIVE_MEDIA_ACCESS: Readonly<
  Record<number, { readWrite: readonly string[]; readOnly: readonly string[] }>
> = {
  4: { readWrite: ['L4', 'L3'], readOnly: ['L2'] },
  5: { readWrite: ['L5', 'L4'], readOnly: ['L3'] },
  6: { readWrite: ['L6', 'L5'], readOnly: ['L4'] },
  7: { readWrite: ['L7', 'L6'], readOnly: ['L5'] },
  8: { readWrite: ['L8', 'M8', 'L7'], readOnly: [] },
  9: { readWrite: ['L9', 'L8'], readOnly: [] },
  10: { readWrite: ['LA', 'PA'], readOnly: [] },
};
