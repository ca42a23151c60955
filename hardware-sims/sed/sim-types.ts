/**
 * The persisted state of the simulated SED fleet: plain JSON (the `sedutil-cli` executable reads
 * and writes it on every invocation), so no classes, no Buffers, no functions in here.
 * Reference: opal-sedutil.md §5 (Opal state model) and §8 (identities).
 */

export type SimTransport = 'ata' | 'nvme' | 'sas';

/**
 * Identity fields exactly as sedutil reads them (space padded, never trimmed): ATA/NVMe model 40,
 * firmware 8, serial 20 bytes; on the SAS path product 16, revision 4, and the 8-byte T10 vendor
 * id where the serial would be (which is also what sedutil hashes with, reference §4.1).
 */
export interface SimIdentity {
  transport: SimTransport;
  model: string;
  firmware: string;
  serial: string;
}

/** One authority's C_PIN row: PIN bytes as hex, Enabled, and the failed-attempt counter. */
export interface SimAuthority {
  pin: string;
  enabled: boolean;
  tries: number;
}

/** A row of the Locking table (range 0 is the global range; start/length stay 0 there). */
export interface SimRange {
  start: number;
  length: number;
  readLockEnabled: boolean;
  writeLockEnabled: boolean;
  readLocked: boolean;
  writeLocked: boolean;
  /** LockOnReset contains PowerCycle (the factory default). */
  lockOnReset: boolean;
}

export interface SimMbr {
  enable: boolean;
  done: boolean;
  /** DoneOnReset contains PowerCycle (the factory default). */
  doneOnReset: boolean;
  /** For the "MBR disable ignored after power cycle" quirk: Enable as the firmware really keeps it. */
  stickyEnable: boolean;
  /** What --loadPBAimage wrote (the bytes themselves are not kept). */
  image: { bytes: number; sha256: string } | null;
}

/** Locking SP tables; they exist only while the Locking SP is Manufactured (activated). */
export interface SimLockingSp {
  admins: SimAuthority[];
  users: SimAuthority[];
  ranges: SimRange[];
  mbr: SimMbr;
  /** Ranges in Single User Mode (each owned by User<n+1>); empty outside SUM. */
  sumRanges: number[];
}

/** A fault scripted from outside (`sedsim fault …`): data, so it survives between processes. */
export type SedFault =
  | { kind: 'status'; status: number; remaining: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'vanish' };

export interface SimDrive {
  host: string;
  /** Canonical node: /dev/sdX or /dev/nvmeN (namespace 1 is also reachable as /dev/nvmeNn1). */
  device: string;
  /** Symlinks that resolve to `device` (/dev/disk/by-id/…), for the driver's path resolver. */
  aliases: string[];
  /** Key into DRIVE_MODELS: discovery data, properties, limits and quirks. */
  model: string;
  identity: SimIdentity;
  msid: string;
  psid: string;
  sid: SimAuthority;
  psidTries: number;
  /** Block SID issued by the host firmware: SID authentication fails until the next reset. */
  sidBlocked: boolean;
  lifeCycle: 'manufactured-inactive' | 'manufactured';
  lockingSp: SimLockingSp | null;
  /**
   * Media-encryption key generation per locking range (index = range). GenKey, Erase and the
   * erasing reverts increment it: data written under an older generation reads back as noise.
   * Keys exist whether or not the Locking SP is active (activation erases nothing).
   */
  keyGenerations: number[];
  /** False while the drive is gone (`vanish` fault): its node does not exist. */
  present: boolean;
  faults: SedFault[];
  /** The open session of a command still running (owner = run id), if any. */
  session: { owner: string; until: number } | null;
  powerCycles: number;
}

export interface FleetState {
  version: 1;
  scenario: string;
  drives: SimDrive[];
}
