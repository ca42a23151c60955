import { isDriverError } from '../../drivers/core/driver-error.ts';
import type { Secret } from '../../drivers/core/secret.ts';
import type { SedDriver, SedQueryResult } from '../../drivers/sed/sed-driver.ts';
import type { SedStatusSnapshot } from '../../domain/sed-repositories.ts';
import type { SedDeviceInfo, SedLockMode, SedPort, SedRange } from './sed-port.ts';

const LOCK_STATE = { LK: 'locked', RW: 'unlocked', RO: 'read-only' } as const;

function statusOf(q: Pick<SedQueryResult, 'locking'>): SedStatusSnapshot {
  return {
    lockingSupported: q.locking?.lockingSupported ?? false,
    lockingEnabled: q.locking?.lockingEnabled ?? false,
    locked: q.locking?.locked ?? false,
    mbrEnabled: q.locking?.mbrEnabled ?? false,
    mbrDone: q.locking?.mbrDone ?? false,
    ranges: [],
  };
}

/**
 * The services' SedPort over the SED driver: the same operations, named the way the
 * workflows use them. Identity checks and per-drive serialisation happen in the driver.
 */
export class SedDriverPort implements SedPort {
  constructor(private readonly driver: SedDriver) {}

  async scan(): Promise<SedDeviceInfo[]> {
    const entries = await this.driver.scan();
    return entries.map((e) => ({
      devicePath: e.device,
      serial: '',
      model: e.model,
      firmware: e.firmware,
      transport: 'other',
      ssc: e.ssc,
    }));
  }

  async query(devicePath: string): Promise<SedDeviceInfo & { status: SedStatusSnapshot }> {
    try {
      const q = await this.driver.query(devicePath);
      return {
        devicePath: q.device,
        serial: q.serial,
        model: q.model,
        firmware: q.firmware,
        transport: q.transport,
        ssc: q.ssc,
        status: statusOf(q),
      };
    } catch (err) {
      // Not a SED: still list it (as unsupported) so the inventory is complete.
      if (!isDriverError(err, 'SED_NOT_SUPPORTED')) throw err;
      const id = await this.driver.identify(devicePath);
      return {
        devicePath: id.device,
        serial: id.serial,
        model: id.model,
        firmware: id.firmware,
        transport: id.transport,
        ssc: 'none',
        status: statusOf({}),
      };
    }
  }

  takeOwnership(device: string, newSidPassword: Secret, expectedSerial: string) {
    return this.driver.takeOwnership({ device, expectedSerial, newSidPassword });
  }

  activateLockingSp(device: string, sidPassword: Secret, expectedSerial: string) {
    return this.driver.activateLockingSp({ device, expectedSerial, sidPassword });
  }

  setAdmin1Password(device: string, currentPassword: Secret, newPassword: Secret, expectedSerial: string) {
    return this.driver.setAdmin1Password({ device, expectedSerial, currentPassword, newPassword });
  }

  setSidPassword(device: string, currentPassword: Secret, newPassword: Secret, expectedSerial: string) {
    return this.driver.setSidPassword({ device, expectedSerial, currentPassword, newPassword });
  }

  enableLockingRange(device: string, range: number, admin1Password: Secret, expectedSerial: string) {
    return this.driver.setRangeLocking({
      device,
      expectedSerial,
      admin1Password,
      range,
      locking: 'read-write',
    });
  }

  setLockingRange(
    device: string,
    range: number,
    mode: SedLockMode,
    admin1Password: Secret,
    expectedSerial: string,
  ) {
    return this.driver.setLockState({
      device,
      expectedSerial,
      admin1Password,
      range,
      state: LOCK_STATE[mode],
    });
  }

  setMbrEnable(device: string, enabled: boolean, admin1Password: Secret, expectedSerial: string) {
    return this.driver.setMbrEnabled({ device, expectedSerial, admin1Password, enabled });
  }

  revertTper(device: string, sidPassword: Secret, expectedSerial: string) {
    return this.driver.revertTper({ device, expectedSerial, sidPassword });
  }

  psidRevert(device: string, psid: Secret, expectedSerial: string) {
    return this.driver.psidRevert({ device, expectedSerial, psid });
  }

  rekeyRange(device: string, range: number, admin1Password: Secret, expectedSerial: string) {
    return this.driver.rekeyRange({ device, expectedSerial, admin1Password, range });
  }

  sidIsFactoryMsid(device: string, expectedSerial: string) {
    return this.driver.sidIsFactoryMsid({ device, expectedSerial });
  }

  verifyAdmin1(device: string, password: Secret, expectedSerial: string) {
    return this.driver.checkCredential({ device, expectedSerial, authority: 'Admin1', password });
  }

  async listRanges(device: string, admin1Password: Secret, expectedSerial: string): Promise<SedRange[]> {
    const ranges = await this.driver.listRanges({ device, expectedSerial, admin1Password });
    return ranges.map((r) => ({
      range: r.range,
      start: r.start,
      length: r.length,
      readLockEnabled: r.readLockEnabled,
      writeLockEnabled: r.writeLockEnabled,
      readLocked: r.readLocked,
      writeLocked: r.writeLocked,
    }));
  }
}
