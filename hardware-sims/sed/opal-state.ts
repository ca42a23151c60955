import type { DriveModel } from './data/drive-models.ts';
import { freshLockingSp } from './drive-factory.ts';
import type { SimAuthority, SimDrive, SimRange } from './sim-types.ts';
import { TCG } from './tcg-status.ts';

/**
 * The Opal state machine of one drive (reference §5): what each TCG method does to the drive's
 * tables and keys, and which status it answers. Pure functions over the JSON drive record; they
 * know nothing about sedutil's output (sedutil-session.ts and the action files add that).
 *
 *   Admin SP: SID (PIN = MSID at the factory), PSID.  Locking SP life cycle:
 *   manufactured-inactive --Activate--> manufactured --RevertSP / Revert / PSID revert--> manufactured-inactive
 */

export type OpalSp = 'admin' | 'locking';
export type OpalAuthority =
  | { kind: 'anybody' }
  | { kind: 'sid' }
  | { kind: 'psid' }
  | { kind: 'admin'; n: number }
  | { kind: 'user'; n: number };

const hex = (b: Buffer) => b.toString('hex');

export const isLockingSpActive = (d: SimDrive) => d.lifeCycle === 'manufactured' && d.lockingSp !== null;

/** The authority's C_PIN row, or undefined when the drive has no such authority. */
function cpinOf(d: SimDrive, who: OpalAuthority): SimAuthority | undefined {
  if (who.kind === 'sid') return d.sid;
  if (who.kind === 'admin') return d.lockingSp?.admins[who.n - 1];
  if (who.kind === 'user') return d.lockingSp?.users[who.n - 1];
  return undefined;
}

/**
 * StartSession's authentication (reference §5.6): wrong PIN → NOT_AUTHORIZED and Tries+1;
 * Tries at TryLimit → AUTHORITY_LOCKED_OUT even with the right PIN, until a power cycle; success
 * resets Tries. The Locking SP answers INVALID_PARAMETER while it is not activated.
 */
export function authenticate(
  d: SimDrive,
  m: DriveModel,
  sp: OpalSp,
  who: OpalAuthority,
  credential: Buffer | null,
): number {
  if (sp === 'locking' && !isLockingSpActive(d)) return TCG.INVALID_PARAMETER;
  if (who.kind === 'anybody') return TCG.SUCCESS;
  if ((sp === 'admin') !== (who.kind === 'sid' || who.kind === 'psid')) return TCG.INVALID_PARAMETER;
  const given = credential ?? Buffer.alloc(0);
  if (who.kind === 'psid') {
    if (m.tryLimit > 0 && d.psidTries >= m.tryLimit) return TCG.AUTHORITY_LOCKED_OUT;
    if (given.toString('latin1') !== d.psid) {
      d.psidTries++;
      return TCG.NOT_AUTHORIZED;
    }
    d.psidTries = 0;
    return TCG.SUCCESS;
  }
  const row = cpinOf(d, who);
  if (!row) return TCG.INVALID_PARAMETER;
  if (who.kind === 'sid' && d.sidBlocked) return TCG.NOT_AUTHORIZED;
  if (m.tryLimit > 0 && row.tries >= m.tryLimit) return TCG.AUTHORITY_LOCKED_OUT;
  if (!row.enabled) return TCG.NOT_AUTHORIZED;
  if (row.pin !== hex(given)) {
    row.tries++;
    return TCG.NOT_AUTHORIZED;
  }
  row.tries = 0;
  return TCG.SUCCESS;
}

/** Set C_PIN of `target`: SID by SID; Locking SP PINs by Admin1, or by a user for itself. */
export function setPin(d: SimDrive, session: OpalAuthority, target: OpalAuthority, pin: Buffer): number {
  const row = cpinOf(d, target);
  if (!row) return TCG.INVALID_PARAMETER;
  const mayWrite =
    target.kind === 'sid'
      ? session.kind === 'sid'
      : session.kind === 'admin' ||
        (session.kind === 'user' && target.kind === 'user' && session.n === target.n);
  if (!mayWrite) return TCG.NOT_AUTHORIZED;
  row.pin = hex(pin);
  row.tries = 0;
  return TCG.SUCCESS;
}

/** Life cycle byte of the Locking SP row in the Admin SP's SP table. */
export const lockingSpLifeCycle = (d: SimDrive) => (d.lifeCycle === 'manufactured' ? 0x09 : 0x08);

/** Activate: Admin1 takes the SID PIN; tables at defaults; no key changes (data stays readable). */
export function activate(d: SimDrive, m: DriveModel, sumRanges: number[] = []): number {
  if (d.lifeCycle !== 'manufactured-inactive') return TCG.FAIL;
  if (sumRanges.length > 0 && !m.singleUser) return TCG.INVALID_PARAMETER;
  if (sumRanges.some((r) => r > m.maxRanges)) return TCG.INVALID_PARAMETER;
  const sp = freshLockingSp(m, d.sid.pin);
  sp.sumRanges = [...sumRanges];
  // In Single User Mode each listed range gets its own enabled user with an empty PIN.
  for (const r of sumRanges) {
    const user = sp.users[r];
    if (user) Object.assign(user, { enabled: true, pin: '' });
  }
  d.lifeCycle = 'manufactured';
  d.lockingSp = sp;
  return TCG.SUCCESS;
}

export type RangeColumns = Partial<Omit<SimRange, 'lockOnReset'>>;

function mayWriteRange(d: SimDrive, m: DriveModel, who: OpalAuthority, range: number): boolean {
  const sum = d.lockingSp?.sumRanges.includes(range) ?? false;
  if (who.kind === 'user') return sum && who.n === range + 1;
  if (who.kind !== 'admin') return false;
  // Outside SUM the admins own every range; inside, only if the SUM policy keeps them in charge.
  return !sum || (m.singleUser?.policy ?? false);
}

/** Set columns of a Locking table row, with the checks a drive makes [SPEC, UNVERIFIED codes]. */
export function setRange(
  d: SimDrive,
  m: DriveModel,
  who: OpalAuthority,
  range: number,
  cols: RangeColumns,
): number {
  const row = d.lockingSp?.ranges[range];
  if (!row) return TCG.INVALID_PARAMETER;
  if (!mayWriteRange(d, m, who, range)) return TCG.NOT_AUTHORIZED;
  if (cols.start !== undefined || cols.length !== undefined) {
    if (range === 0) return TCG.INVALID_PARAMETER; // the global range has no geometry
    const start = cols.start ?? row.start;
    const length = cols.length ?? row.length;
    if (start < 0 || length < 0 || start + length > m.capacityLbas) return TCG.INVALID_PARAMETER;
    const overlaps = (d.lockingSp?.ranges ?? []).some(
      (o, i) =>
        i !== 0 &&
        i !== range &&
        o.length > 0 &&
        length > 0 &&
        start < o.start + o.length &&
        o.start < start + length,
    );
    if (overlaps) return TCG.INVALID_PARAMETER;
  }
  Object.assign(row, cols);
  return TCG.SUCCESS;
}

export function getRange(d: SimDrive, range: number): SimRange | undefined {
  return d.lockingSp?.ranges[range];
}

/** GenKey on a range's K_AES object: a new media key, so the range's old data is gone. */
export function genKey(d: SimDrive, who: OpalAuthority, m: DriveModel, range: number): number {
  if (!d.lockingSp?.ranges[range]) return TCG.INVALID_PARAMETER;
  if (!mayWriteRange(d, m, who, range)) return TCG.NOT_AUTHORIZED;
  d.keyGenerations[range] = (d.keyGenerations[range] ?? 0) + 1;
  return TCG.SUCCESS;
}

/** The SUM Erase method: new key, unlocked; refused on ranges that are not in Single User Mode. */
export function eraseRange(d: SimDrive, m: DriveModel, who: OpalAuthority, range: number): number {
  const row = d.lockingSp?.ranges[range];
  if (!row) return TCG.INVALID_PARAMETER;
  if (!d.lockingSp?.sumRanges.includes(range)) return TCG.INVALID_PARAMETER;
  if (!mayWriteRange(d, m, who, range)) return TCG.NOT_AUTHORIZED;
  d.keyGenerations[range] = (d.keyGenerations[range] ?? 0) + 1;
  Object.assign(row, { readLocked: false, writeLocked: false });
  return TCG.SUCCESS;
}

/** Set MBRControl columns (Admin1 only); drives without MBR shadowing refuse. */
export function setMbr(
  d: SimDrive,
  m: DriveModel,
  who: OpalAuthority,
  cols: { enable?: boolean; done?: boolean },
): number {
  const mbr = d.lockingSp?.mbr;
  if (!mbr || !m.mbrShadow) return TCG.INVALID_PARAMETER;
  if (who.kind !== 'admin') return TCG.NOT_AUTHORIZED;
  if (cols.done !== undefined) mbr.done = cols.done;
  if (cols.enable !== undefined) {
    mbr.enable = cols.enable;
    if (cols.enable || !m.quirks?.mbrDisableIgnoredAfterPowerCycle) mbr.stickyEnable = cols.enable;
  }
  return TCG.SUCCESS;
}

/** Write the shadow MBR table (the bytes are summarised, not kept). */
export function writeMbr(
  d: SimDrive,
  m: DriveModel,
  who: OpalAuthority,
  image: { bytes: number; sha256: string },
): number {
  const mbr = d.lockingSp?.mbr;
  if (!mbr || !m.mbrShadow) return TCG.INVALID_PARAMETER;
  if (who.kind !== 'admin') return TCG.NOT_AUTHORIZED;
  if (image.bytes > m.mbrTableBytes) return TCG.INSUFFICIENT_SPACE;
  mbr.image = image;
  return TCG.SUCCESS;
}

const bumpAll = (d: SimDrive, from: number) => {
  d.keyGenerations = d.keyGenerations.map((g, i) => (i >= from ? g + 1 : g));
};

/**
 * RevertSP on the Locking SP: back to Manufactured-Inactive. KeepGlobalRangeKey keeps the global
 * range's data (refused with FAIL while the global range is locked [SPEC, UNVERIFIED]); ranges
 * 1..n are erased either way.
 */
export function revertLockingSp(d: SimDrive, keepGlobalRangeKey: boolean): number {
  const global = d.lockingSp?.ranges[0];
  if (!global) return TCG.INVALID_PARAMETER;
  const locked =
    (global.readLockEnabled && global.readLocked) || (global.writeLockEnabled && global.writeLocked);
  if (keepGlobalRangeKey && locked) return TCG.FAIL;
  bumpAll(d, keepGlobalRangeKey ? 1 : 0);
  d.lifeCycle = 'manufactured-inactive';
  d.lockingSp = null;
  return TCG.SUCCESS;
}

/**
 * Revert on the Admin SP (by SID or PSID): factory state, SID := MSID. Erases everything if the
 * Locking SP was active; keeps the data when it was already inactive (reference §5.4).
 */
export function revertAdminSp(d: SimDrive): number {
  if (isLockingSpActive(d)) bumpAll(d, 0);
  d.lifeCycle = 'manufactured-inactive';
  d.lockingSp = null;
  d.sid = { pin: Buffer.from(d.msid, 'latin1').toString('hex'), enabled: true, tries: 0 };
  d.psidTries = 0;
  return TCG.SUCCESS;
}

/**
 * Power cycle (reference §5.3): LockOnReset ranges lock, MBRDone clears, sessions drop, Tries
 * counters and Block SID reset. The MX200 quirk brings a disabled shadow MBR back.
 */
export function powerCycle(d: SimDrive, m: DriveModel): void {
  d.powerCycles++;
  d.session = null;
  d.sid.tries = 0;
  d.psidTries = 0;
  d.sidBlocked = false;
  const sp = d.lockingSp;
  if (!sp) return;
  for (const r of sp.ranges) if (r.lockOnReset) Object.assign(r, { readLocked: true, writeLocked: true });
  for (const a of [...sp.admins, ...sp.users]) a.tries = 0;
  if (sp.mbr.doneOnReset) sp.mbr.done = false;
  if (m.quirks?.mbrDisableIgnoredAfterPowerCycle) sp.mbr.enable = sp.mbr.stickyEnable;
}

/** The Locking feature descriptor's bits (reference §5.2). */
export function lockingFeature(d: SimDrive, m: DriveModel) {
  const sp = isLockingSpActive(d) ? d.lockingSp : null;
  const enterprise = m.ssc.enterprise && !m.ssc.opal2 && !m.ssc.opal1;
  return {
    locked: (sp?.ranges ?? []).some(
      (r) => (r.readLockEnabled && r.readLocked) || (r.writeLockEnabled && r.writeLocked),
    ),
    lockingEnabled: sp !== null || enterprise,
    lockingSupported: true,
    mbrDone: sp?.mbr.done ?? false,
    mbrEnabled: sp?.mbr.enable ?? false,
    mediaEncrypt: true,
  };
}
