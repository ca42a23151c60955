import { behaviorsFromFaults, type SedSimBehavior } from './behaviors.ts';
import { driveModel } from './data/drive-models.ts';
import { fleetHosts, type FleetStore } from './fleet-store.ts';
import { powerCycle } from './opal-state.ts';
import { findDrive } from './sedutil-interpreter.ts';
import type { FleetState, SedFault, SimDrive } from './sim-types.ts';

/**
 * What an operator (or a test) does to the simulated hardware from outside sedutil: power,
 * faults, moving drives between slots. Shared by `sedsim` and SedutilEmulatorRunner.
 */

export function hostOf(state: FleetState, host?: string): string {
  const hosts = fleetHosts(state);
  if (host !== undefined && !hosts.includes(host)) {
    throw new Error(`no host "${host}" in the simulated fleet (hosts: ${hosts.join(', ') || 'none'})`);
  }
  return host ?? hosts[0] ?? '';
}

function driveAt(state: FleetState, host: string | undefined, device: string): SimDrive {
  const h = hostOf(state, host);
  const d =
    findDrive(state, h, device) ?? state.drives.find((x) => x.host === h && x.aliases.includes(device));
  if (!d) throw new Error(`no simulated drive at ${device} on ${h}`);
  return d;
}

/** Power-cycles one drive, every drive of the host ('all'), or of every host ('fleet'). Returns how many. */
export function powerCycleDrives(
  store: FleetStore,
  host: string | undefined,
  target: string,
): Promise<number> {
  return store.update((state) => {
    const h = target === 'fleet' ? undefined : hostOf(state, host);
    const drives =
      target === 'fleet' || target === 'all'
        ? state.drives.filter((d) => h === undefined || d.host === h)
        : [driveAt(state, host, target)];
    for (const d of drives) powerCycle(d, driveModel(d.model));
    return drives.length;
  });
}

/** Adds a persisted fault; `clear` removes all of a drive's faults (and brings a vanished one back). */
export function setFault(
  store: FleetStore,
  host: string | undefined,
  device: string,
  fault: SedFault | 'clear',
): Promise<void> {
  return store.update((state) => {
    const d = driveAt(state, host, device);
    if (fault === 'clear') d.faults = [];
    else if (fault.kind === 'latency') d.faults = [...d.faults.filter((f) => f.kind !== 'latency'), fault];
    else d.faults = [...d.faults, fault];
  });
}

/** Swaps the slots (device nodes) of two drives on a host: what a re-cabled chassis does. */
export function swapDevices(
  store: FleetStore,
  host: string | undefined,
  a: string,
  b: string,
): Promise<void> {
  return store.update((state) => {
    const x = driveAt(state, host, a);
    const y = driveAt(state, host, b);
    [x.device, y.device] = [y.device, x.device];
  });
}

export async function getDrive(
  store: FleetStore,
  host: string | undefined,
  device: string,
): Promise<SimDrive> {
  return driveAt(await store.read(), host, device);
}

const enoent = (path: string) =>
  Object.assign(new Error(`ENOENT: no such file or directory, realpath '${path}'`), { code: 'ENOENT' });

/**
 * realpath() for the simulated /dev: a drive's node or one of its /dev/disk/by-id links resolves
 * to its node; a vanished drive and anything else do not exist.
 */
export function simDevicePathResolver(
  store: FleetStore,
  host?: string,
  behaviors: readonly SedSimBehavior[] = [],
) {
  return async (path: string): Promise<string> => {
    const state = await store.read();
    const h = hostOf(state, host);
    const d = findDrive(state, h, path) ?? state.drives.find((x) => x.host === h && x.aliases.includes(path));
    const info = { action: 'realpath', device: path, host: h };
    const gone =
      !d?.present ||
      [...behaviors, ...behaviorsFromFaults(d.faults)].some((b) => b.isPresent?.(info, d) === false);
    if (!d || gone) throw enoent(path);
    return d.aliases.includes(path) ? d.device : path;
  };
}
