import { describeConformance, fx, NEW, PBA, PW, type ConformanceCase } from './conformance.ts';

/** Keyed and destructive actions, their success texts, failures and exit codes (reference §1.3, §2.5–2.8, §5). */
const SETUP_SDC = [['--initialSetup', PW, '/dev/sdc']];
const AUTH_FAIL = fx('error-not-authorized.stderr.txt');
const NO_UNIT = 'One or more header fields have 0 length\nEndSession Failed\n';

const CASES: Record<string, ConformanceCase> = {
  // Ownership and passwords (§1.3, §2.7, §2.8).
  '--initialSetup': {
    args: ['--initialSetup', PW, '/dev/sdb'],
    exit: 0,
    stdout: fx('initialsetup-dta-1.20.stdout.txt'),
  },
  '--initialSetup on a drive without MBR shadowing stops after activation': {
    args: ['--initialSetup', PW, '/dev/nvme5'],
    exit: 12,
    stdout:
      'takeOwnership complete\nLocking SP Activate Complete\nLockingRange0 disabled \nLockingRange0 set to RW\n',
    stderr:
      'method status code INVALID_PARAMETER\nSet Failed \nUnable to set setMBRDone on\nInitial setup failed - unable to Enable MBR shadow\n',
  },
  '--takeOwnership': {
    args: ['--takeOwnership', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'takeOwnership complete\n',
  },
  '--takeOwnership of an owned drive': {
    args: ['--takeOwnership', NEW, '/dev/sdc'],
    exit: 1,
    stderr: `${AUTH_FAIL}takeOwnership failed\n`,
    setup: [['--takeOwnership', PW, '/dev/sdc']],
  },
  '--activateLockingSP': {
    args: ['--activateLockingSP', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'Locking SP Activate Complete\n',
    setup: [['--takeOwnership', PW, '/dev/sdc']],
  },
  '--activateLockingSP when active': {
    args: ['--activateLockingSP', PW, '/dev/sdc'],
    exit: 133,
    stderr: 'Locking SP lifecycle is not Manufactured-Inactive\n',
    setup: SETUP_SDC,
  },
  '--setSIDPassword is silent': {
    args: ['--setSIDPassword', PW, NEW, '/dev/sdc'],
    exit: 0,
    setup: SETUP_SDC,
  },
  '--setAdmin1Pwd': {
    args: ['--setAdmin1Pwd', PW, NEW, '/dev/sdc'],
    exit: 0,
    stdout: 'Admin1 password changed\n',
    setup: SETUP_SDC,
  },
  '--setPassword': {
    args: ['--setPassword', PW, 'User2', NEW, '/dev/sdc'],
    exit: 0,
    stdout: 'User2 password changed\n',
    setup: SETUP_SDC,
  },
  '--setPassword with a bad user id': {
    args: ['--setPassword', PW, 'Bob', NEW, '/dev/sdc'],
    exit: 131,
    stderr: 'Invalid Userid Bob\nUnable to find user Bob in Authority Table\n',
    setup: SETUP_SDC,
  },
  'a wrong Admin1 password': {
    args: ['--listLockingRanges', NEW, '/dev/sdc'],
    exit: 1,
    stderr: AUTH_FAIL,
    setup: SETUP_SDC,
  },
  'the sixth wrong password': {
    args: ['--listLockingRanges', PW, '/dev/sdc'],
    exit: 18,
    stderr: fx('error-locked-out.stderr.txt'),
    setup: [...SETUP_SDC, ...Array.from({ length: 5 }, () => ['--listLockingRanges', NEW, '/dev/sdc'])],
  },
  '-l puts log lines on stderr with a time stamp': {
    args: ['-l', '--takeOwnership', PW, '/dev/sdc'],
    exit: 0,
    stderr: /^- \d\d:\d\d:\d\d\.\d{3} INFO: takeOwnership complete\n$/,
  },
  '-v logs the level and version': {
    args: ['-v', '--isValidSED', '/dev/sdy'],
    exit: 0,
    stderr: 'Log level set to DBG\nsedutil version : 1.20.0\n',
  },
  // Locking ranges (§1.3, §2.5).
  '--setLockingRange LK': {
    args: ['--setLockingRange', '0', 'lk', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'LockingRange0 set to LK\n',
    setup: SETUP_SDC,
  },
  '--setLockingRange RO': {
    args: ['--setLockingRange', '0', 'RO', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'LockingRange0 set to RO\n',
    setup: SETUP_SDC,
  },
  '--enableLockingRange': {
    args: ['--enableLockingRange', '0', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'LockingRange0 enabled ReadLocking,WriteLocking\n',
    setup: SETUP_SDC,
  },
  '--disableLockingRange': {
    args: ['--disableLockingRange', '0', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'LockingRange0 disabled \n',
    setup: SETUP_SDC,
  },
  '--readonlyLockingRange': {
    args: ['--readonlyLockingRange', '1', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'LockingRange1 enabled WriteLocking\n',
    setup: SETUP_SDC,
  },
  '--setupLockingRange': {
    args: ['--setupLockingRange', '1', '1048576', '2097152', PW, '/dev/sdc'],
    exit: 0,
    stdout:
      'LockingRange1 reKeyed \nLockingRange1 starting block 1048576 for 2097152 blocks configured as unlocked range\n',
    setup: SETUP_SDC,
  },
  '--setupLockingRange 0': {
    args: ['--setupLockingRange', '0', '0', '100', PW, '/dev/sdc'],
    exit: 129,
    stderr: 'global locking range cannot be changed\n',
    setup: SETUP_SDC,
  },
  '--rekeyLockingRange': {
    args: ['--rekeyLockingRange', '0', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'LockingRange0 reKeyed \n',
    setup: SETUP_SDC,
  },
  '--listLockingRanges': {
    args: ['--listLockingRanges', PW, '/dev/nvme0'],
    exit: 0,
    stdout: fx('list-locking-ranges-nvme0.txt'),
    setup: [
      ['--initialSetup', PW, '/dev/nvme0'],
      ['--enableLockingRange', '0', PW, '/dev/nvme0'],
      ['--setupLockingRange', '1', '1048576', '2097152', PW, '/dev/nvme0'],
    ],
  },
  '--listLockingRange lists them all': {
    args: ['--listLockingRange', '5', PW, '/dev/nvme0'],
    exit: 0,
    stdout: fx('list-locking-ranges-nvme0.txt'),
    setup: [
      ['--initialSetup', PW, '/dev/nvme0'],
      ['--enableLockingRange', '0', PW, '/dev/nvme0'],
      ['--setupLockingRange', '1', '1048576', '2097152', PW, '/dev/nvme0'],
    ],
  },
  '--listLockingRanges before activation': {
    args: ['--listLockingRanges', PW, '/dev/sdc'],
    exit: 12,
    stderr: fx('error-locking-sp-inactive.stderr.txt'),
  },
  // Shadow MBR (§1.3, §2.7).
  '--setMBRDone off': {
    args: ['--setMBRDone', 'off', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'MBRDone set off \n',
    setup: SETUP_SDC,
  },
  '--setMBREnable off': {
    args: ['--setMBREnable', 'OFF', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'MBRDone set on \nMBREnable set off \n',
    setup: SETUP_SDC,
  },
  '--loadPBAimage': {
    args: ['--loadPBAimage', PW, PBA, '/dev/sdc'],
    exit: 0,
    stdout: `Writing PBA to /dev/sdc\n1000 of 1000 100% blk=61334 \r\nPBA image  ${PBA} written to /dev/sdc\n`,
    setup: SETUP_SDC,
  },
  '--loadPBAimage of a missing file': {
    args: ['--loadPBAimage', PW, '/nonexistent.img', '/dev/sdc'],
    exit: 132,
    stderr: 'Unable to open PBA image file /nonexistent.img\n',
    setup: SETUP_SDC,
  },
  // Reverts (§1.3, §5.4).
  '--revertTPer': {
    args: ['--revertTPer', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'revertTper completed successfully\n',
    setup: SETUP_SDC,
  },
  '--revertNoErase': {
    args: ['--revertNoErase', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'Revert LockingSP complete\n',
    setup: SETUP_SDC,
  },
  '--revertLockingSP': {
    args: ['--revertLockingSP', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'Revert LockingSP complete\n',
    setup: SETUP_SDC,
  },
  '--revertNoErase while the global range is locked': {
    args: ['--revertNoErase', PW, '/dev/sdc'],
    exit: 63,
    stderr: 'method status code FAIL\nCommand failed\n',
    setup: [
      ...SETUP_SDC,
      ['--enableLockingRange', '0', PW, '/dev/sdc'],
      ['--setLockingRange', '0', 'LK', PW, '/dev/sdc'],
    ],
  },
  'a PSID revert with a wrong PSID': {
    args: ['--yesIreallywanttoERASEALLmydatausingthePSID', 'WRONGPSID', '/dev/sdc'],
    exit: 1,
    stderr: AUTH_FAIL,
  },
  // Enterprise-only actions on Opal: a message and exit 0 (§1.3).
  '--setBandsEnabled': {
    args: ['--setBandsEnabled', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'setBandsEnabled is not implemented.  It is not part of the Opal SSC \n',
  },
  '--setBandEnabled': {
    args: ['--setBandEnabled', '1', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'setBandsEnabled is not implemented.  It is not part of the Opal SSC \n',
  },
  '--eraseLockingRange': {
    args: ['--eraseLockingRange', '1', PW, '/dev/sdc'],
    exit: 0,
    stdout: 'eraseLockingRange is not implemented.  It is not part of the Opal SSC \n',
  },
  '--validatePBKDF2 exits 134 although every vector passes': {
    args: ['--validatePBKDF2'],
    exit: 134,
    stdout: /(Test passed\n\n[^]*){4}/,
  },
  '--objDump': {
    args: ['--objDump', '3', '0000000900010001', PW, '0000080200000001', '/dev/sdc'],
    exit: 0,
    stderr: /^0000 /,
    setup: SETUP_SDC,
  },
  '--objDump with a short authority UID': {
    args: ['--objDump', '3', '09', PW, '0000080200000001', '/dev/sdc'],
    exit: 131,
    stderr: 'Invalid Authority UID 09\n',
  },
  '--rawCmd': {
    args: ['--rawCmd', '2', '0000000900000006', PW, '0000000000000001', '0000000600000016', '00', '/dev/sdc'],
    exit: 0,
    stderr: /^0000 /,
    setup: SETUP_SDC,
  },
  // Single User Mode (§1.3).
  '--activateLockingSP_SUM': {
    args: ['--activateLockingSP_SUM', '1', PW, '/dev/sdb'],
    exit: 0,
    stdout: 'Locking SP Activate Complete for single User2 on locking range 1\n',
    setup: [['--takeOwnership', PW, '/dev/sdb']],
  },
  '--setLockingRange_SUM': {
    args: ['--setLockingRange_SUM', '1', 'LK', '', '/dev/sdb'],
    exit: 0,
    stdout: 'LockingRange1 set to LK\n',
    setup: [
      ['--takeOwnership', PW, '/dev/sdb'],
      ['--activateLockingSP_SUM', '1', PW, '/dev/sdb'],
    ],
  },
  '--setupLockingRange_SUM': {
    args: ['--setupLockingRange_SUM', '1', '0', '1000', '', '/dev/sdb'],
    exit: 0,
    stdout:
      'LockingRange reKeyed \nLockingRange1 starting block 0 for 1000 blocks configured as LOCKED range\n',
    setup: [
      ['--takeOwnership', PW, '/dev/sdb'],
      ['--activateLockingSP_SUM', '1', PW, '/dev/sdb'],
    ],
  },
  '--eraseLockingRange_SUM': {
    args: ['--eraseLockingRange_SUM', '1', PW, '/dev/sdb'],
    exit: 0,
    stdout: 'LockingRange1 erased\n',
    setup: [
      ['--takeOwnership', PW, '/dev/sdb'],
      ['--activateLockingSP_SUM', '1', PW, '/dev/sdb'],
    ],
  },
  '--setPassword_SUM': {
    args: ['--setPassword_SUM', '', 'User2', NEW, '/dev/sdb'],
    exit: 0,
    stdout: 'User2 password changed\n',
    setup: [
      ['--takeOwnership', PW, '/dev/sdb'],
      ['--activateLockingSP_SUM', '1', PW, '/dev/sdb'],
    ],
  },
  '--setup_SUM': {
    args: ['--setup_SUM', '1', '0', '1000', PW, NEW, '/dev/sdb'],
    exit: 0,
    stdout: /Setup of SUM complete on \/dev\/sdb\n$/,
  },
  '--setup_SUM on a drive without SUM': {
    args: ['--setup_SUM', '1', '0', '1000', PW, NEW, '/dev/nvme0'],
    exit: 134,
    stderr: 'Setup_SUM failed - this drive does not support LockingSP / SUM\n',
  },
  'a Locking SP command after a revert': {
    args: ['--setLockingRange', '0', 'RW', PW, '/dev/sdc'],
    exit: 12,
    stderr: `method status code INVALID_PARAMETER\nSession start failed rc = 12\n${NO_UNIT}`,
    setup: [...SETUP_SDC, ['--revertNoErase', PW, '/dev/sdc']],
  },
};

describeConformance('actions', CASES);
