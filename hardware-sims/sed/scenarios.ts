import { getScenario, SCENARIOS, type Scenario } from '../scenarios/index.ts';
import type { DriveModelKey } from './data/drive-models.ts';
import { createDrive, type InitialDriveState } from './drive-factory.ts';
import type { FleetState, SimDrive } from './sim-types.ts';

type Slot = [device: string, model: DriveModelKey, state?: InitialDriveState];

/**
 * The lab rack: SATA and NVMe Opal 2 drives from the reference's identities, the Samsung 850
 * (Opal 1.0 + 2.0), one Enterprise SAS drive, one non-SED, and three traps a console must handle:
 * an OEM-owned KIOXIA (SID is not MSID), a 970 EVO Plus whose BIOS issued Block SID, and a PM1735
 * without MBR shadowing. Drives beyond the scenario's `sedDrives` are left out.
 */
const SMALL_LAB: Slot[] = [
  ['/dev/nvme0', 'samsung-960-evo-1t'],
  ['/dev/nvme1', 'samsung-970-pro-512'],
  ['/dev/sda', 'samsung-860-evo-1t'],
  ['/dev/sdb', 'samsung-850-evo-500'],
  ['/dev/sdc', 'crucial-mx200-250'],
  ['/dev/sdd', 'seagate-st500lt025'],
  ['/dev/sde', 'kingston-suv500-120'],
  ['/dev/sdf', 'wdc-wd10spcx'],
  ['/dev/sdg', 'hgst-husmm814'],
  ['/dev/nvme2', 'kioxia-xg8-1t', 'oem-owned'],
  ['/dev/nvme3', 'samsung-970-evo-plus-1t', 'bios-blocked'],
  ['/dev/nvme4', 'samsung-pm1735-12t'],
];

const DC_NVME: DriveModelKey[] = [
  'samsung-970-pro-512',
  'kioxia-xg8-1t',
  'samsung-pm1735-12t',
  'samsung-960-evo-1t',
];
const DC_SATA: DriveModelKey[] = [
  'samsung-860-evo-1t',
  'crucial-mx200-250',
  'kingston-suv500-120',
  'seagate-st500lt025',
];
/** sedutil's scan sees /dev/sd[a-z] only, so a host carries at most 26 SATA drives. */
const DC_SLOTS_PER_HOST = 50;
const DC_NVME_PER_HOST = 24;

/** Storage hosts of DC_SLOTS_PER_HOST drives each: nvme0..nvme23, sda..sdz (sdz is a non-SED boot disk). */
function datacenterSlots(count: number): { host: string; slot: Slot }[] {
  const out: { host: string; slot: Slot }[] = [];
  for (let i = 0; i < count; i++) {
    const host = `stor-${String(Math.floor(i / DC_SLOTS_PER_HOST) + 1).padStart(2, '0')}`;
    const n = i % DC_SLOTS_PER_HOST;
    if (n < DC_NVME_PER_HOST) {
      out.push({ host, slot: [`/dev/nvme${n}`, DC_NVME[n % DC_NVME.length]!] });
    } else {
      const letter = String.fromCharCode(97 + n - DC_NVME_PER_HOST);
      out.push({
        host,
        slot: [`/dev/sd${letter}`, letter === 'z' ? 'wdc-wd10spcx' : DC_SATA[n % DC_SATA.length]!],
      });
    }
  }
  return out;
}

function build(name: string, slots: { host: string; slot: Slot }[]): FleetState {
  const drives: SimDrive[] = slots.map(({ host, slot: [device, model, state] }, index) =>
    createDrive(model, {
      host,
      device,
      index: index + 1,
      seed: `${name}:${host}:${device}`,
      state: state ?? 'factory',
    }),
  );
  return { version: 1, scenario: name, drives };
}

export function isScenarioName(name: string): name is Scenario['name'] {
  return Object.hasOwn(SCENARIOS, name);
}

/** A fresh fleet for a named scenario (`small-lab`, `datacenter`, `none`). */
export function buildScenario(name: string): FleetState {
  if (!isScenarioName(name)) {
    throw new Error(`unknown scenario "${name}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  }
  const count = getScenario(name).sedDrives;
  if (name === 'datacenter') return build(name, datacenterSlots(count));
  const lab = SMALL_LAB.slice(0, count).map((slot) => ({ host: 'lab-01', slot }));
  return build(name, lab);
}
