/* eslint-disable @typescript-eslint/require-await -- async so that faults reject, as the real driver's promises do */
import { createHash } from 'node:crypto';
import { DriverError } from '../../server/drivers/core/driver-error.ts';
import { Secret } from '../../server/drivers/core/secret.ts';
import type { SedStatusSnapshot } from '../../server/domain/sed-repositories.ts';
import type { SedDeviceInfo, SedLockMode, SedPort, SedRange } from '../../server/services/sed/sed-port.ts';

interface Drive {
  info: SedDeviceInfo;
  msid: string;
  sid: string;
  admin1: string | null;
  lspActive: boolean;
  rle: boolean;
  wle: boolean;
  rl: boolean;
  wl: boolean;
  mbrEnabled: boolean;
  tries: number;
}

const TRY_LIMIT = 5;

/**
 * A small Opal stand-in for service tests that need exact fault points (fail the n-th call,
 * crash between steps). The faithful simulator and the real driver are tested in test/contract.
 */
export class MemorySed implements SedPort {
  readonly drives = new Map<string, Drive>();
  readonly calls: string[] = [];
  /** Throw from the named method after `after` successful calls of it. */
  faults: { method: string; after: number; error: DriverError }[] = [];

  addDrive(devicePath: string, serial: string, ssc = 'opal2'): void {
    this.drives.set(devicePath, {
      info: {
        devicePath,
        serial,
        model: 'Samsung SSD 870 EVO 1TB',
        firmware: 'SVT02B6Q',
        transport: 'sata',
        ssc,
      },
      msid: `MSID${serial}`,
      sid: `MSID${serial}`,
      admin1: null,
      lspActive: false,
      rle: false,
      wle: false,
      rl: false,
      wl: false,
      mbrEnabled: false,
      tries: 0,
    });
  }

  powerCycle(): void {
    for (const d of this.drives.values()) {
      d.tries = 0;
      if (d.rle) d.rl = true;
      if (d.wle) d.wl = true;
    }
  }

  private hit(method: string): void {
    this.calls.push(method);
    const n = this.calls.filter((c) => c === method).length;
    const fault = this.faults.find((f) => f.method === method && n > f.after);
    if (fault) {
      this.faults = this.faults.filter((f) => f !== fault);
      throw fault.error;
    }
  }

  private drive(path: string, expectedSerial?: string): Drive {
    const d = this.drives.get(path);
    if (!d) throw new DriverError('SED_COMMAND_FAILED', `no drive at ${path}`);
    if (expectedSerial !== undefined && d.info.serial !== expectedSerial) {
      throw new DriverError('SED_IDENTITY_MISMATCH', `${path} holds ${d.info.serial}`);
    }
    return d;
  }

  private auth(d: Drive, expected: string | null, given: Secret): void {
    if (d.tries >= TRY_LIMIT) throw new DriverError('SED_LOCKED_OUT', 'AUTHORITY_LOCKED_OUT');
    if (expected === null || given.expose().toString('utf8') !== expected) {
      d.tries++;
      throw new DriverError('SED_AUTH_FAILED', 'NOT_AUTHORIZED');
    }
  }

  /** What `--query` shows: Level-0 bits only; the ranges need Admin1 (`listRanges`). */
  private status(d: Drive): SedStatusSnapshot {
    return {
      lockingSupported: d.info.ssc !== 'none',
      lockingEnabled: d.lspActive,
      locked: d.lspActive && ((d.rle && d.rl) || (d.wle && d.wl)),
      mbrEnabled: d.mbrEnabled,
      mbrDone: false,
      ranges: [],
    };
  }

  async scan(): Promise<SedDeviceInfo[]> {
    this.hit('scan');
    return [...this.drives.entries()].map(([devicePath, d]) => ({ ...d.info, devicePath }));
  }

  async query(path: string) {
    this.hit('query');
    const d = this.drive(path);
    return { ...d.info, devicePath: path, status: this.status(d) };
  }

  async takeOwnership(path: string, newSid: Secret, serial: string): Promise<void> {
    this.hit('takeOwnership');
    const d = this.drive(path, serial);
    this.auth(d, d.msid === d.sid ? d.sid : null, new Secret(Buffer.from(d.msid)));
    d.sid = newSid.expose().toString('utf8');
  }

  async activateLockingSp(path: string, sid: Secret, serial: string): Promise<void> {
    this.hit('activateLockingSp');
    const d = this.drive(path, serial);
    this.auth(d, d.sid, sid);
    if (d.lspActive) throw new DriverError('SED_COMMAND_FAILED', 'Locking SP already active');
    d.lspActive = true;
    d.admin1 = d.sid;
  }

  async setAdmin1Password(path: string, current: Secret, next: Secret, serial: string): Promise<void> {
    this.hit('setAdmin1Password');
    const d = this.drive(path, serial);
    this.auth(d, d.admin1, current);
    d.admin1 = next.expose().toString('utf8');
  }

  async setSidPassword(path: string, current: Secret, next: Secret, serial: string): Promise<void> {
    this.hit('setSidPassword');
    const d = this.drive(path, serial);
    this.auth(d, d.sid, current);
    d.sid = next.expose().toString('utf8');
  }

  async enableLockingRange(path: string, _range: number, admin1: Secret, serial: string): Promise<void> {
    this.hit('enableLockingRange');
    const d = this.drive(path, serial);
    this.auth(d, d.admin1, admin1);
    d.rle = d.wle = true;
  }

  async setLockingRange(
    path: string,
    _range: number,
    mode: SedLockMode,
    admin1: Secret,
    serial: string,
  ): Promise<void> {
    this.hit('setLockingRange');
    const d = this.drive(path, serial);
    this.auth(d, d.admin1, admin1);
    d.rl = mode === 'LK';
    d.wl = mode !== 'RW';
  }

  async setMbrEnable(path: string, enabled: boolean, admin1: Secret, serial: string): Promise<void> {
    this.hit('setMbrEnable');
    const d = this.drive(path, serial);
    this.auth(d, d.admin1, admin1);
    d.mbrEnabled = enabled;
  }

  /** Data generation per drive: bumps on every erase, so tests can see that data is gone. */
  readonly generations = new Map<string, number>();

  async revertTper(path: string, sid: Secret, serial: string): Promise<void> {
    this.hit('revertTper');
    const d = this.drive(path, serial);
    this.auth(d, d.sid, sid);
    d.sid = d.msid;
    d.admin1 = '';
    d.lspActive = false;
    d.rle = d.wle = d.rl = d.wl = false;
    this.generations.set(path, (this.generations.get(path) ?? 0) + 1);
  }

  /** The PSID on the simulated label: 32 of [0-9A-Z], derived from the serial. */
  static psidOf(serial: string): string {
    return createHash('sha256').update(`psid:${serial}`).digest('hex').slice(0, 32).toUpperCase();
  }

  async psidRevert(path: string, psid: Secret, serial: string): Promise<void> {
    this.hit('psidRevert');
    const d = this.drive(path, serial);
    this.auth(d, MemorySed.psidOf(d.info.serial), psid);
    d.sid = d.msid;
    d.admin1 = '';
    d.lspActive = false;
    d.rle = d.wle = d.rl = d.wl = false;
    this.generations.set(path, (this.generations.get(path) ?? 0) + 1);
  }

  async rekeyRange(path: string, _range: number, admin1: Secret, serial: string): Promise<void> {
    this.hit('rekeyRange');
    const d = this.drive(path, serial);
    this.auth(d, d.admin1, admin1);
    this.generations.set(path, (this.generations.get(path) ?? 0) + 1);
  }

  async sidIsFactoryMsid(path: string, serial: string): Promise<boolean> {
    this.hit('sidIsFactoryMsid');
    const d = this.drive(path, serial);
    return d.sid === d.msid;
  }

  async verifyAdmin1(path: string, admin1: Secret, serial: string): Promise<void> {
    this.hit('verifyAdmin1');
    const d = this.drive(path, serial);
    this.auth(d, d.admin1, admin1);
  }

  async listRanges(path: string, admin1: Secret, serial: string): Promise<SedRange[]> {
    this.hit('listRanges');
    const d = this.drive(path, serial);
    if (!d.lspActive) throw new DriverError('SED_INVALID_STATE', 'Locking SP not active');
    this.auth(d, d.admin1, admin1);
    return [
      {
        range: 0,
        start: 0,
        length: 0,
        readLockEnabled: d.rle,
        writeLockEnabled: d.wle,
        readLocked: d.rl,
        writeLocked: d.wl,
      },
    ];
  }

  passwordFromSecret(secret: Secret): Secret {
    return new Secret(Buffer.from(secret.expose().toString('hex')));
  }

  /** Test helper: the password the drive holds, as the console would derive it. */
  static fingerprint(password: string): string {
    return createHash('sha256').update(password).digest('hex').slice(0, 8);
  }
}
