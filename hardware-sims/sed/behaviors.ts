import type { OpalAuthority, OpalSp } from './opal-state.ts';
import type { SedFault, SimDrive } from './sim-types.ts';
import { TCG } from './tcg-status.ts';

/**
 * Fault injection, Z-Wave JS style (STYLE house rule 6): small objects with optional hooks,
 * added per test (`runner.addBehavior(spBusy('/dev/sda'))`) instead of a new mock per scenario.
 * Faults set from outside (`sedsim fault …`) are stored as data on the drive and turned into the
 * same behaviors on every command, so the executable and the in-process runner act alike.
 */
export interface SedCommandInfo {
  action: string;
  /** The path as given on the command line. */
  device: string;
  host: string;
}

export interface SedSessionInfo extends SedCommandInfo {
  /** The drive record inside the current update: a hook may change it (and it is persisted). */
  drive: SimDrive;
  sp: OpalSp;
  who: OpalAuthority;
  /** 0 for the command's first StartSession, 1 for the next (initialSetup opens seven). */
  sessionIndex: number;
}

export interface SedSimBehavior {
  /** False makes the drive's node disappear for this command. */
  isPresent?(cmd: SedCommandInfo, drive: SimDrive): boolean | undefined;
  /** Milliseconds the command holds its session open (a concurrent command meets SP_BUSY). */
  latencyMs?(cmd: SedCommandInfo, drive: SimDrive): number | undefined;
  /** A TCG status to answer StartSession with instead of authenticating. */
  onSessionStart?(s: SedSessionInfo): number | undefined;
}

const forDevice = (device: string, cmd: SedCommandInfo, drive: SimDrive) =>
  device === drive.device || device === cmd.device;

/** The next `count` StartSessions on `device` answer `status` (SP_BUSY, NOT_AUTHORIZED, …). */
export function failNextSession(device: string, status: number, count = 1): SedSimBehavior {
  let left = count;
  return {
    onSessionStart(s) {
      if (left <= 0 || !forDevice(device, s, s.drive)) return undefined;
      left--;
      return status;
    },
  };
}

export const spBusy = (device: string, count = 1) => failNextSession(device, TCG.SP_BUSY, count);

/** Every command on `device` holds its session `ms` longer. */
export function latency(device: string, ms: number): SedSimBehavior {
  return { latencyMs: (cmd, drive) => (forDevice(device, cmd, drive) ? ms : undefined) };
}

/** The drive is gone: its node no longer exists. */
export function vanish(device: string): SedSimBehavior {
  return { isPresent: (cmd, drive) => (forDevice(device, cmd, drive) ? false : undefined) };
}

/** The drive's persisted faults as behaviors; status faults count down on the drive record. */
export function behaviorsFromFaults(faults: readonly SedFault[]): SedSimBehavior[] {
  return faults.map((f): SedSimBehavior => {
    if (f.kind === 'latency') return { latencyMs: () => f.ms };
    if (f.kind === 'vanish') return { isPresent: () => false };
    return {
      onSessionStart(s) {
        const live = s.drive.faults.find(
          (x) => x.kind === 'status' && x.status === f.status && x.remaining > 0,
        );
        if (!live || live.kind !== 'status') return undefined;
        live.remaining--;
        s.drive.faults = s.drive.faults.filter((x) => x.kind !== 'status' || x.remaining > 0);
        return f.status;
      },
    };
  });
}
