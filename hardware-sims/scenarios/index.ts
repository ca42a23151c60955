/**
 * Named simulated fleets. A scenario says what the simulators create on first start; each
 * device class's simulator reads its own part (SED drives, tape libraries and drives).
 * Later device classes add their fields here; unknown names are rejected by config.
 */
export interface Scenario {
  name: 'small-lab' | 'datacenter' | 'none';
  description: string;
  /** Self-encrypting drives the sedutil simulator creates (model mix defined by the SED sim). */
  sedDrives: number;
  /** Tape libraries, each with its drives and storage slots. */
  tapeLibraries: { name: string; drives: number; slots: number; ioSlots: number }[];
}

export const SCENARIOS: Record<Scenario['name'], Scenario> = {
  'small-lab': {
    name: 'small-lab',
    description: 'A lab rack: a dozen SEDs of mixed models and one library with 4 drives',
    sedDrives: 12,
    tapeLibraries: [{ name: 'library-A', drives: 4, slots: 80, ioSlots: 5 }],
  },
  datacenter: {
    name: 'datacenter',
    description: 'Hundreds of SEDs and two large libraries with thousands of slots',
    sedDrives: 400,
    tapeLibraries: [
      { name: 'library-A', drives: 16, slots: 4000, ioSlots: 40 },
      { name: 'library-B', drives: 12, slots: 3000, ioSlots: 30 },
    ],
  },
  none: { name: 'none', description: 'No simulated devices', sedDrives: 0, tapeLibraries: [] },
};

export function getScenario(name: Scenario['name']): Scenario {
  return SCENARIOS[name];
}
