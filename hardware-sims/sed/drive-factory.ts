import { createHash } from 'node:crypto';
import { driveModel, type DriveModel } from './data/drive-models.ts';
import type { SimDrive, SimIdentity, SimLockingSp } from './sim-types.ts';

/**
 * How a drive starts life in a scenario (reference §8 "fixture tips"):
 * - factory: SID = MSID, Locking SP Manufactured-Inactive;
 * - oem-owned: someone else took ownership and activated locking (initialSetup → NOT_AUTHORIZED);
 * - bios-blocked: factory, but the host firmware issued Block SID (cleared by a power cycle).
 */
export type InitialDriveState = 'factory' | 'oem-owned' | 'bios-blocked';

export interface CreateDriveOptions {
  host: string;
  device: string;
  /** Fills the `#` digits of the serial pattern, so serials in one fleet never collide. */
  index: number;
  /** Seeds every "random" field: the same seed builds the same drive. */
  seed: string;
  state?: InitialDriveState;
  /** Exact identity strings (unpadded), for fixtures that copy a transcript. */
  serial?: string;
  modelName?: string;
  firmware?: string;
}

/** Deterministic bytes from a seed: scenarios rebuild identically after `sedsim reset`. */
function seededBytes(seed: string, n: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < n; i++) out.push(createHash('sha256').update(`${seed}#${i}`).digest());
  return Buffer.concat(out).subarray(0, n);
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HEX = '0123456789ABCDEF';

function seededString(seed: string, n: number, alphabet: string): string {
  return [...seededBytes(seed, n)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function serialFromPattern(pattern: string, index: number, seed: string): string {
  const digits = [...pattern].filter((c) => c === '#').length;
  const counter = String(index).padStart(digits, '0').slice(-digits);
  const noise = seededBytes(`${seed}:serial`, pattern.length);
  let d = 0;
  return [...pattern]
    .map((c, i) => {
      const r = noise[i] ?? 0;
      if (c === '#') return counter[d++];
      if (c === '?') return ALNUM[r % ALNUM.length];
      if (c === '%') return HEX[r % HEX.length];
      return c;
    })
    .join('');
}

function identityOf(m: DriveModel, serial: string, opts: CreateDriveOptions): SimIdentity {
  const model = opts.modelName ?? m.model;
  const firmware = opts.firmware ?? m.firmware;
  if (m.transport === 'sas') {
    // sedutil's SCSI path shows product id, revision and the vendor id where the serial goes.
    return {
      transport: 'sas',
      model: model.padEnd(16),
      firmware: firmware.padEnd(4),
      serial: (m.vendor ?? '').padEnd(8),
    };
  }
  const field = m.serialJustify === 'right' ? serial.padStart(20) : serial.padEnd(20);
  return { transport: m.transport, model: model.padEnd(40), firmware: firmware.padEnd(8), serial: field };
}

function aliasesOf(m: DriveModel, id: SimIdentity, serial: string, seed: string): string[] {
  const wwn = `/dev/disk/by-id/wwn-0x5${seededString(`${seed}:wwn`, 15, HEX).toLowerCase()}`;
  const name = id.model.trim().replace(/\s+/g, '_');
  if (m.transport === 'sas') return [wwn];
  return [`/dev/disk/by-id/${m.transport === 'nvme' ? 'nvme' : 'ata'}-${name}_${serial}`, wwn];
}

/** Locking SP tables as Activate leaves them: Admin1 = SID PIN, everything unlocked and off. */
export function freshLockingSp(m: DriveModel, admin1Pin: string): SimLockingSp {
  const admins = m.opal2?.lockingAdmins ?? 4;
  const users = m.opal2?.lockingUsers ?? m.maxRanges + 1;
  return {
    admins: Array.from({ length: admins }, (_, i) => ({
      pin: i === 0 ? admin1Pin : '',
      enabled: i === 0,
      tries: 0,
    })),
    users: Array.from({ length: users }, () => ({ pin: '', enabled: false, tries: 0 })),
    ranges: Array.from({ length: m.maxRanges + 1 }, () => ({
      start: 0,
      length: 0,
      readLockEnabled: false,
      writeLockEnabled: false,
      readLocked: false,
      writeLocked: false,
      lockOnReset: true,
    })),
    mbr: { enable: false, done: false, doneOnReset: true, stickyEnable: false, image: null },
    sumRanges: [],
  };
}

export function createDrive(modelKey: string, opts: CreateDriveOptions): SimDrive {
  const m = driveModel(modelKey);
  const serial = opts.serial ?? serialFromPattern(m.serialPattern, opts.index, opts.seed);
  const identity = identityOf(m, serial, opts);
  const msid = seededString(`${opts.seed}:msid`, 32, ALNUM);
  const drive: SimDrive = {
    host: opts.host,
    device: opts.device,
    aliases: aliasesOf(m, identity, serial, opts.seed),
    model: modelKey,
    identity,
    msid,
    psid: seededString(`${opts.seed}:psid`, 32, ALNUM),
    sid: { pin: Buffer.from(msid, 'latin1').toString('hex'), enabled: true, tries: 0 },
    psidTries: 0,
    sidBlocked: opts.state === 'bios-blocked',
    lifeCycle: 'manufactured-inactive',
    lockingSp: null,
    keyGenerations: Array.from({ length: m.maxRanges + 1 }, () => 0),
    present: true,
    faults: [],
    session: null,
    powerCycles: 0,
  };
  if (opts.state === 'oem-owned') {
    // A PIN nobody here knows: what a BIOS or another tool left behind.
    const pin = seededBytes(`${opts.seed}:oem`, 32).toString('hex');
    drive.sid.pin = pin;
    drive.lifeCycle = 'manufactured';
    drive.lockingSp = freshLockingSp(m, pin);
    const global = drive.lockingSp.ranges[0];
    if (global) Object.assign(global, { readLockEnabled: true, writeLockEnabled: true });
  }
  return drive;
}
