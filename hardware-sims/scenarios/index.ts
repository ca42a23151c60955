import { TAPE_SCENARIOS, type TapeScenario } from '../tape/scenarios.ts';

/**
 * Named simulated fleets. A scenario says what the simulators create on first start; each
 * device class's simulator reads its own part (SED drives here; tape libraries and drives from
 * `hardware-sims/tape/scenarios.ts`, named by `tape`, so the two never disagree).
 */
export interface Scenario {
  name: 'small-lab' | 'datacenter' | 'none';
  description: string;
  /** Self-encrypting drives the sedutil simulator creates (model mix defined by the SED sim). */
  sedDrives: number;
  /** The tape estate the LTO and changer emulators build, or null for none. */
  tape: TapeScenario['name'] | null;
}

export const SCENARIOS: Record<Scenario['name'], Scenario> = {
  'small-lab': {
    name: 'small-lab',
    description: 'A lab rack: a dozen SEDs of mixed models and one library with 4 drives and 60 slots',
    sedDrives: 12,
    tape: 'small-lab',
  },
  datacenter: {
    name: 'datacenter',
    description: 'Hundreds of SEDs and four libraries: 48 drives, 4,000 slots',
    sedDrives: 400,
    tape: 'datacenter',
  },
  none: { name: 'none', description: 'No simulated devices', sedDrives: 0, tape: null },
};

export function getScenario(name: Scenario['name']): Scenario {
  return SCENARIOS[name];
}

/** The tape libraries of a scenario, summarised (name, drives, slots, I/E slots). */
export function tapeLibrariesOf(
  scenario: Scenario,
): { name: string; drives: number; slots: number; ioSlots: number }[] {
  if (!scenario.tape) return [];
  return TAPE_SCENARIOS[scenario.tape].libraries.map((l) => ({
    name: l.name,
    drives: l.drives.reduce((n, g) => n + g.count, 0),
    slots: l.slots,
    ioSlots: l.ioSlots,
  }));
}
