import type { ActionProgram } from '../sedutil-session.ts';
import { developerCommand, notImplemented, query } from './info.ts';
import {
  disableLockingRange,
  enableLockingRange,
  eraseLockingRange_SUM,
  listLockingRanges,
  readonlyLockingRange,
  rekeyLockingRangeAction,
  setLockingRange_SUM,
  setLockingRangeAction,
  setupLockingRange,
  setupLockingRange_SUM,
} from './locking.ts';
import { loadPBAimage, setMBRDoneAction, setMBREnableAction } from './mbr.ts';
import {
  activateLockingSP,
  activateLockingSP_SUM,
  enableuser,
  printDefaultPassword,
  setAdmin1Pwd,
  setPassword,
  setPassword_SUM,
  setSIDPassword,
  takeOwnership,
} from './ownership.ts';
import { psidRevert, revertLockingSP, revertNoErase, revertTPerAction } from './revert.ts';
import { initialSetup, setup_SUM } from './setup.ts';

/** Device actions by canonical name (scan, isValidSED and validatePBKDF2 need no drive record). */
export const PROGRAMS: Record<string, ActionProgram> = {
  query,
  printDefaultPassword,
  initialSetup,
  takeOwnership,
  activateLockingSP,
  activateLockingSP_SUM,
  setSIDPassword,
  setAdmin1Pwd,
  setPassword,
  setPassword_SUM,
  enableuser,
  setLockingRange: setLockingRangeAction,
  setLockingRange_SUM,
  enableLockingRange,
  disableLockingRange,
  readonlyLockingRange,
  setupLockingRange,
  setupLockingRange_SUM,
  rekeyLockingRange: rekeyLockingRangeAction,
  eraseLockingRange_SUM,
  listLockingRanges,
  listLockingRange: listLockingRanges,
  setMBRDone: setMBRDoneAction,
  setMBREnable: setMBREnableAction,
  loadPBAimage,
  revertTPer: revertTPerAction,
  revertNoErase,
  revertLockingSP,
  yesIreallywanttoERASEALLmydatausingthePSID: psidRevert,
  PSIDrevert: psidRevert,
  PSIDrevertAdminSP: psidRevert,
  setBandsEnabled: notImplemented('setBandsEnabled'),
  setBandEnabled: notImplemented('setBandsEnabled'),
  eraseLockingRange: notImplemented('eraseLockingRange'),
  objDump: developerCommand,
  rawCmd: developerCommand,
  setup_SUM,
};

/** Actions whose password argument is a PSID: sent as typed, never hashed (reference §4.2). */
export const PSID_ACTIONS = new Set([
  'yesIreallywanttoERASEALLmydatausingthePSID',
  'PSIDrevert',
  'PSIDrevertAdminSP',
]);

/** What an Enterprise SSC drive answers in the simulator besides scan and isValidSED (see README.md). */
export const ENTERPRISE_ACTIONS = new Set(['query']);
