import { MediaChangerEmulator } from '../library/media-changer-emulator.ts';
import { LIBRARY_MODELS } from '../library/data/library-models.ts';
import type { LibraryState } from '../library/element-map.ts';
import { createCartridge, fillPattern, type CartridgeState } from './cartridge.ts';
import { DRIVE_MODELS } from './data/drive-models.ts';
import type { DriveState } from './drive-types.ts';
import { LtoDriveEmulator } from './lto-drive-emulator.ts';
import { barcodesOf, TAPE_SCENARIOS, type TapeScenario } from './scenarios.ts';

/** A whole simulated tape estate as one JSON document (persisted in the data directory). */
export interface TapeFleetState {
  version: 1;
  scenario: string;
  libraries: LibraryState[];
  drives: DriveState[];
}

export interface TapeFleetOptions {
  now?: () => number;
}

/**
 * The libraries and drives of a scenario, built fresh (`create`) or restored (`fromState`).
 * A restore is a power cycle: cartridges and their records are back, keys are not.
 */
export class TapeFleet {
  constructor(
    readonly scenario: string,
    readonly libraries: MediaChangerEmulator[],
    readonly drives: LtoDriveEmulator[],
  ) {}

  static create(name: TapeScenario['name'], opts: TapeFleetOptions = {}): TapeFleet {
    const scenario = TAPE_SCENARIOS[name];
    const used = new Set<string>();
    const unique = (pattern: string, seed: string) => {
      for (let n = 0; ; n++) {
        const serial = fillPattern(pattern, `${seed}:${n}`);
        if (!used.has(serial)) return (used.add(serial), serial);
      }
    };
    const drives: LtoDriveEmulator[] = [];
    const libraries = scenario.libraries.map((spec) => {
      const model = LIBRARY_MODELS[spec.model];
      const driveSerials: string[] = [];
      for (const group of spec.drives) {
        for (let i = 0; i < group.count; i++) {
          const serial = unique(
            DRIVE_MODELS[group.model].serialPattern,
            `${name}:${spec.name}:${driveSerials.length}`,
          );
          drives.push(
            new LtoDriveEmulator({
              model: group.model,
              serial,
              ...(group.method ? { method: group.method } : {}),
              ...opts,
            }),
          );
          driveSerials.push(serial);
        }
      }
      const slots: (CartridgeState | null)[] = new Array<CartridgeState | null>(spec.slots).fill(null);
      spec.cartridges.flatMap(barcodesOf).forEach((barcode, i) => {
        if (i < slots.length) slots[i] = createCartridge(barcode);
      });
      const state: LibraryState = {
        version: 1,
        name: spec.name,
        model: spec.model,
        serial: unique(model.serialPattern, `${name}:${spec.name}`),
        slots,
        importExport: new Array<null>(spec.ioSlots).fill(null),
        sources: {},
        doorOpen: false,
        preventRemoval: false,
        driveSerials,
      };
      return new MediaChangerEmulator(state, drives);
    });
    return new TapeFleet(name, libraries, drives);
  }

  static fromState(state: TapeFleetState, opts: TapeFleetOptions = {}): TapeFleet {
    if (state.version !== 1) throw new Error(`unknown tape fleet state version ${String(state.version)}`);
    const drives = state.drives.map((d) => LtoDriveEmulator.fromState(d, opts));
    const libraries = state.libraries.map((l) => new MediaChangerEmulator(l, drives));
    return new TapeFleet(state.scenario, libraries, drives);
  }

  toState(): TapeFleetState {
    return {
      version: 1,
      scenario: this.scenario,
      libraries: this.libraries.map((l) => l.state),
      drives: this.drives.map((d) => d.toState()),
    };
  }

  driveBySerial(serial: string): LtoDriveEmulator | undefined {
    return this.drives.find((d) => d.serial === serial);
  }
}
