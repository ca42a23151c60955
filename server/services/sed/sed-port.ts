import type { Secret } from '../../drivers/core/secret.ts';
import type { SedStatusSnapshot } from '../../domain/sed-repositories.ts';

/** One locking range as the drive reports it (Admin1). */
export type SedRange = SedStatusSnapshot['ranges'][number];

/** What discovery learns about one drive. */
export interface SedDeviceInfo {
  devicePath: string;
  serial: string;
  model: string;
  firmware: string;
  transport: string;
  /** 'opal2' | 'opal1' | 'enterprise' | 'pyrite' | 'none' */
  ssc: string;
}

export type SedLockMode = 'RW' | 'RO' | 'LK';

/**
 * The SED operations the services use. The driver (server/drivers/sed) implements it; every
 * keyed call re-reads the drive's serial and refuses with SED_IDENTITY_MISMATCH when it differs
 * from `expectedSerial` (invariant 2). Passwords are Secrets; the caller disposes them.
 */
export interface SedPort {
  scan(): Promise<SedDeviceInfo[]>;
  query(devicePath: string): Promise<SedDeviceInfo & { status: SedStatusSnapshot }>;
  takeOwnership(devicePath: string, newSid: Secret, expectedSerial: string): Promise<void>;
  activateLockingSp(devicePath: string, sid: Secret, expectedSerial: string): Promise<void>;
  setAdmin1Password(devicePath: string, current: Secret, next: Secret, expectedSerial: string): Promise<void>;
  setSidPassword(devicePath: string, current: Secret, next: Secret, expectedSerial: string): Promise<void>;
  enableLockingRange(
    devicePath: string,
    range: number,
    admin1: Secret,
    expectedSerial: string,
  ): Promise<void>;
  setLockingRange(
    devicePath: string,
    range: number,
    mode: SedLockMode,
    admin1: Secret,
    expectedSerial: string,
  ): Promise<void>;
  setMbrEnable(devicePath: string, enabled: boolean, admin1: Secret, expectedSerial: string): Promise<void>;
  /** DESTRUCTIVE: RevertTPer with the SID; every key replaced, the drive back in factory state. */
  revertTper(devicePath: string, sid: Secret, expectedSerial: string): Promise<void>;
  /**
   * DESTRUCTIVE: RevertTPer with the PSID printed on the drive's label, for a drive whose
   * credentials are lost; factory state, every key replaced. A wrong PSID spends a try.
   */
  psidRevert(devicePath: string, psid: Secret, expectedSerial: string): Promise<void>;
  /** DESTRUCTIVE: GenKey on one locking range (Admin1): its data is gone. */
  rekeyRange(devicePath: string, range: number, admin1: Secret, expectedSerial: string): Promise<void>;
  /** Factory state proof after a revert: the MSID authenticates as SID (a failure spends a try). */
  sidIsFactoryMsid(devicePath: string, expectedSerial: string): Promise<boolean>;
  /** Proves an Admin1 password without changing anything (lists the locking ranges). */
  verifyAdmin1(devicePath: string, admin1: Secret, expectedSerial: string): Promise<void>;
  /**
   * Every locking range with its geometry and lock bits (Admin1; changes nothing, but a wrong
   * password spends a try). Rejects while the Locking SP is inactive.
   */
  listRanges(devicePath: string, admin1: Secret, expectedSerial: string): Promise<SedRange[]>;
}

/**
 * The SED ports of every host the console manages drives on. Device paths only mean something
 * on their host, so every drive call goes through its drive's host.
 */
export interface SedFleet {
  hosts(): string[];
  /** Throws SED_UNREACHABLE-class errors for hosts the console has no driver for. */
  port(host: string): SedPort;
}

export function sedFleetOf(ports: Map<string, SedPort>): SedFleet {
  return {
    hosts: () => [...ports.keys()],
    port: (host) => {
      const port = ports.get(host);
      if (!port) throw new Error(`no SED driver for host ${host}`);
      return port;
    },
  };
}
