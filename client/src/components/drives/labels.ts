import type { SedDrive } from '../../../../shared/schemas/sed.ts';
import type { BadgeTone } from '../common/StatusBadge.vue';

export type SedDriveState = SedDrive['state'];

export const SED_STATES: readonly SedDriveState[] = [
  'discovered',
  'unsupported',
  'enrolling',
  'enrolled',
  'enroll-failed',
  'rotating',
  'missing',
];

export const DRIVE_STATE_TONE: Record<SedDriveState, BadgeTone> = {
  discovered: 'neutral',
  unsupported: 'neutral',
  enrolling: 'info',
  enrolled: 'ok',
  'enroll-failed': 'bad',
  rotating: 'info',
  missing: 'warn',
};

/** What a person can do to drives, one per REST call. */
export type DriveAction = 'enroll' | 'lock' | 'unlock' | 'read-only' | 'rotate';

export const DRIVE_ACTIONS: readonly DriveAction[] = ['enroll', 'lock', 'unlock', 'read-only', 'rotate'];

export const ACTION_LABEL: Record<DriveAction, string> = {
  enroll: 'Enroll',
  lock: 'Lock',
  unlock: 'Unlock',
  'read-only': 'Read-only',
  rotate: 'Rotate credentials',
};

/** What the confirmation says the action does. */
export const ACTION_EFFECT: Record<DriveAction, string> = {
  enroll:
    'The console generates SID and Admin1 credentials in the HSM, escrows them, takes ownership of the drive, activates the Locking SP and sets the global range to lock on power loss. Runs as a job.',
  lock: 'The global range is read- and write-locked now: the data is unreadable until it is unlocked.',
  unlock: 'The global range is unlocked for reading and writing.',
  'read-only': 'The global range can be read but not written.',
  rotate:
    'New Admin1 and SID credentials are generated and escrowed, then set on the drive; the old ones are retired. Runs as a job and is crash-safe.',
};

/** `Samsung SSD 870 EVO 1TB S6PUNX0R123456` — how a drive is named in confirmations. */
export function driveName(drive: Pick<SedDrive, 'model' | 'serial'>): string {
  return `${drive.model} ${drive.serial}`;
}

/** Whether `action` applies to a drive in its current state (the server still decides). */
export function actionApplies(action: DriveAction, drive: SedDrive): boolean {
  const owned = drive.state === 'enrolled' || drive.state === 'rotating';
  switch (action) {
    case 'enroll':
      return drive.state === 'discovered' || drive.state === 'enroll-failed';
    case 'rotate':
      return drive.state === 'enrolled';
    default:
      return owned;
  }
}

/** The MBR shadow in one phrase. */
export function mbrText(drive: Pick<SedDrive, 'mbrEnabled' | 'mbrDone'>): string {
  if (!drive.mbrEnabled) return 'off';
  return drive.mbrDone ? 'on, done' : 'on, shadowing';
}

/** The credential state in one phrase: never a value. */
export function credentialText(
  drive: Pick<SedDrive, 'hasCredentials' | 'credentialRotationPending'>,
): string {
  if (!drive.hasCredentials) return 'none';
  return drive.credentialRotationPending ? 'escrowed, rotation pending' : 'escrowed';
}

/** A range's length in blocks; the global range (0) covers every block no other range does. */
export function rangeLength(range: { range: number; length: number }): string {
  if (range.range === 0 && range.length === 0) return 'rest of the drive';
  return range.length.toLocaleString('en-US');
}

/**
 * One lock bit of a range as the table shows it. A bit the range does not enforce (Opal sets
 * ReadLocked/WriteLocked at every power-up on LockOnReset ranges, enabled or not) locks nothing.
 */
export function lockBitLabel(
  locked: boolean,
  enforced: boolean,
): { text: string; tone: BadgeTone; title: string } {
  if (!locked) return { text: 'open', tone: 'ok', title: 'not locked' };
  if (enforced) return { text: 'locked', tone: 'warn', title: 'locked and enforced' };
  return {
    text: 'open',
    tone: 'neutral',
    title: 'the lock bit is set but the range does not enforce it (lock not enabled)',
  };
}

/** Opal's Level-0 "locked" as the listed ranges imply it: a range enforces a lock it has set. */
export function rangesLocked(ranges: SedDrive['ranges']): boolean {
  return ranges.some((r) => (r.readLockEnabled && r.readLocked) || (r.writeLockEnabled && r.writeLocked));
}

/**
 * Why the ranges table is empty, or what to know about the one shown; null when nothing needs
 * saying. A re-query (discovery, power loss) updates `locked` but cannot list ranges.
 */
export function rangesNote(drive: SedDrive): string | null {
  if (drive.ranges.length === 0) {
    if (!drive.lockingSupported) return 'This drive does not support locking.';
    if (drive.state !== 'enrolled')
      return 'Listing the ranges takes the drive’s Admin1 credential: enroll the drive first.';
    return 'Not read yet.';
  }
  if (rangesLocked(drive.ranges) !== drive.locked)
    return 'The drive’s lock state changed since the ranges were read (a power cycle, or a change elsewhere): read them again.';
  return null;
}
