import type { FleetState, SimDrive } from './sim-types.ts';

/**
 * Where the simulated fleet lives. `read()` is a consistent snapshot for looking only;
 * `update()` runs `fn` exclusively against the current state and persists what it changed.
 * `fn` must be synchronous: it is the critical section.
 */
export interface FleetStore {
  read(): Promise<FleetState>;
  update<T>(fn: (state: FleetState, tx: FleetUpdate) => T): Promise<T>;
}

/** Handed to an update: `unchanged()` spares the file store a rewrite of the whole fleet. */
export interface FleetUpdate {
  unchanged(): void;
}

/** In-process store for fast tests: one JS object, so every update is trivially exclusive. */
export class MemoryFleetStore implements FleetStore {
  constructor(public state: FleetState) {}

  read(): Promise<FleetState> {
    return Promise.resolve(this.state);
  }

  update<T>(fn: (state: FleetState, tx: FleetUpdate) => T): Promise<T> {
    return Promise.resolve(fn(this.state, { unchanged: () => {} }));
  }
}

/** Throws unless `value` has the shape of a fleet state file (invariant 6: files are validated). */
export function assertFleetState(value: unknown, source: string): asserts value is FleetState {
  const v = value as Partial<FleetState> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    v.version === 1 &&
    typeof v.scenario === 'string' &&
    Array.isArray(v.drives) &&
    v.drives.every(
      (d: Partial<SimDrive>) =>
        typeof d?.host === 'string' &&
        typeof d.device === 'string' &&
        typeof d.model === 'string' &&
        typeof d.identity?.serial === 'string' &&
        Array.isArray(d.keyGenerations),
    );
  if (!ok) throw new Error(`${source} is not a sedutil simulator state file (version 1)`);
}

/** The hosts of a fleet, sorted: the simulator's default host is the first. */
export function fleetHosts(state: FleetState): string[] {
  return [...new Set(state.drives.map((d) => d.host))].sort();
}
