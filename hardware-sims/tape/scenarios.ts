import type { LibraryModelKey } from '../library/data/library-models.ts';
import type { DriveModelKey } from './data/drive-models.ts';
import type { EncryptionMethod } from './drive-types.ts';

/**
 * Tape parts of the named scenarios, as data (the lead reconciles them with
 * hardware-sims/scenarios/index.ts). Barcodes are 6-character VOLSERs plus the media id
 * (reference §6.3): `A00001L9`, WORM `W00001LZ`, cleaning `CLN001L1`.
 */
export interface CartridgeSeries {
  /** VOLSER prefix; the rest of the 6 characters is a zero-padded number. */
  prefix: string;
  mediaId: string;
  count: number;
  /** Start numbering here (default 1). */
  first?: number;
}

export interface TapeLibrarySpec {
  name: string;
  model: LibraryModelKey;
  slots: number;
  ioSlots: number;
  drives: { model: DriveModelKey; count: number; method?: EncryptionMethod }[];
  /** Placed in storage slots in order; the remaining slots stay empty. */
  cartridges: CartridgeSeries[];
}

export interface TapeScenario {
  name: 'small-lab' | 'datacenter';
  description: string;
  libraries: TapeLibrarySpec[];
}

const CLEANING: CartridgeSeries = { prefix: 'CLN', mediaId: 'L1', count: 2 };

/** One datacenter library: 12 drives, 1,000 slots, about 70 % full. */
function dcLibrary(n: number, model: LibraryModelKey, drives: TapeLibrarySpec['drives']): TapeLibrarySpec {
  const letter = String.fromCharCode(0x40 + n); // A, B, C, D
  return {
    name: `dc-library-${n}`,
    model,
    slots: 1000,
    ioSlots: 20,
    drives,
    cartridges: [
      { prefix: `${letter}9`, mediaId: 'L9', count: 420 },
      { prefix: `${letter}8`, mediaId: 'L8', count: 250 },
      { prefix: `${letter}W`, mediaId: 'LZ', count: 20 },
      { ...CLEANING, first: 10 * n, count: 4 },
    ],
  };
}

export const TAPE_SCENARIOS: Record<TapeScenario['name'], TapeScenario> = {
  'small-lab': {
    name: 'small-lab',
    description: 'One IBM TS4300-style library: 2 IBM LTO-9 and 2 HPE LTO-8 drives, 60 slots, 5 I/E slots',
    libraries: [
      {
        name: 'library-A',
        model: 'ibm-ts4300',
        slots: 60,
        ioSlots: 5,
        drives: [
          { model: 'ibm-hh9', count: 2 },
          { model: 'hpe-lto8', count: 2 },
        ],
        cartridges: [
          { prefix: 'A', mediaId: 'L9', count: 24 },
          { prefix: 'B', mediaId: 'L8', count: 16 },
          { prefix: 'W', mediaId: 'LZ', count: 2 },
          { prefix: 'C', mediaId: 'L7', count: 2 },
          CLEANING,
        ],
      },
    ],
  },
  datacenter: {
    name: 'datacenter',
    description: 'Four libraries of 12 drives and 1,000 slots each: 48 drives, 4,000 slots',
    libraries: [
      dcLibrary(1, 'ibm-ts4300', [
        { model: 'ibm-hh9', count: 8 },
        { model: 'ibm-td8', count: 4 },
      ]),
      dcLibrary(2, 'ibm-ts4300', [
        { model: 'ibm-td9', count: 6 },
        { model: 'hpe-lto9', count: 6 },
      ]),
      dcLibrary(3, 'stk-l80', [
        { model: 'quantum-hh9', count: 6 },
        { model: 'quantum-hh8', count: 6 },
      ]),
      dcLibrary(4, 'hpe-msl', [
        { model: 'hpe-lto9', count: 8 },
        { model: 'hpe-lto8', count: 4 },
      ]),
    ],
  },
};

export function barcodesOf(series: CartridgeSeries): string[] {
  const digits = 6 - series.prefix.length;
  return Array.from(
    { length: series.count },
    (_, i) => `${series.prefix}${String((series.first ?? 1) + i).padStart(digits, '0')}${series.mediaId}`,
  );
}
