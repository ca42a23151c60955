import { DriverError } from '../core/driver-error.ts';

/**
 * argv for sedutil-cli 1.20 (reference §1.3): the action first (flags would have to precede it;
 * the driver uses none: never `-v`, which logs the PSID, nor `-n`, which changes the PIN), its
 * arguments in the fixed order, the device last. Values are already validated strings.
 */
export interface SedutilCommand {
  /** The action without dashes, for logs and errors (argv itself is never logged). */
  action: string;
  args: string[];
}

const cmd = (action: string, ...args: string[]): SedutilCommand => ({
  action,
  args: [`--${action}`, ...args],
});

/** sedutil 1.20 matches the literals 0..15 only (reference §1.1 rule 7). */
export function rangeArgument(range: number, { allowGlobal = true } = {}): string {
  const min = allowGlobal ? 0 : 1;
  if (!Number.isInteger(range) || range < min || range > 15) {
    throw new DriverError('SED_INVALID_ARGUMENT', `locking range must be ${min}..15`, {
      detail: { field: 'range', range },
    });
  }
  return String(range);
}

function lbaArgument(value: number, field: string): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DriverError('SED_INVALID_ARGUMENT', `${field} must be a non-negative integer`, {
      detail: { field },
    });
  }
  return String(value);
}

export const sedutilArgv = {
  help: () => cmd('help'),
  scan: () => cmd('scan'),
  query: (dev: string) => cmd('query', dev),
  isValidSED: (dev: string) => cmd('isValidSED', dev),
  takeOwnership: (newSid: string, dev: string) => cmd('takeOwnership', newSid, dev),
  activateLockingSP: (sid: string, dev: string) => cmd('activateLockingSP', sid, dev),
  setSIDPassword: (sid: string, newSid: string, dev: string) => cmd('setSIDPassword', sid, newSid, dev),
  setAdmin1Pwd: (admin1: string, newAdmin1: string, dev: string) =>
    cmd('setAdmin1Pwd', admin1, newAdmin1, dev),
  listLockingRanges: (admin1: string, dev: string) => cmd('listLockingRanges', admin1, dev),
  enableLockingRange: (range: number, admin1: string, dev: string) =>
    cmd('enableLockingRange', rangeArgument(range), admin1, dev),
  disableLockingRange: (range: number, admin1: string, dev: string) =>
    cmd('disableLockingRange', rangeArgument(range), admin1, dev),
  readonlyLockingRange: (range: number, admin1: string, dev: string) =>
    cmd('readonlyLockingRange', rangeArgument(range), admin1, dev),
  setLockingRange: (range: number, state: 'RW' | 'RO' | 'LK', admin1: string, dev: string) =>
    cmd('setLockingRange', rangeArgument(range), state, admin1, dev),
  setupLockingRange: (range: number, start: number, length: number, admin1: string, dev: string) =>
    cmd(
      'setupLockingRange',
      rangeArgument(range, { allowGlobal: false }),
      lbaArgument(start, 'startLba'),
      lbaArgument(length, 'lengthLba'),
      admin1,
      dev,
    ),
  rekeyLockingRange: (range: number, admin1: string, dev: string) =>
    cmd('rekeyLockingRange', rangeArgument(range), admin1, dev),
  setMBREnable: (on: boolean, admin1: string, dev: string) =>
    cmd('setMBREnable', on ? 'on' : 'off', admin1, dev),
  setMBRDone: (on: boolean, admin1: string, dev: string) => cmd('setMBRDone', on ? 'on' : 'off', admin1, dev),
  revertNoErase: (admin1: string, dev: string) => cmd('revertNoErase', admin1, dev),
  revertLockingSP: (admin1: string, dev: string) => cmd('revertLockingSP', admin1, dev),
  revertTPer: (sid: string, dev: string) => cmd('revertTPer', sid, dev),
  printDefaultPassword: (dev: string) => cmd('printDefaultPassword', dev),
  /**
   * `-n --setSIDPassword MSID MSID`: authenticates as SID with the raw MSID and sets the same
   * value back, so nothing changes; it proves a drive is in factory state. The one use of `-n`.
   */
  proveSidIsMsid: (msid: string, dev: string): SedutilCommand => ({
    action: 'setSIDPassword',
    args: ['-n', '--setSIDPassword', msid, msid, dev],
  }),
  psidRevert: (psid: string, dev: string) => cmd('yesIreallywanttoERASEALLmydatausingthePSID', psid, dev),
};
