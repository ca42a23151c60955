import { SEDUTIL_CLI, scanFleet } from '../../../helpers/sed-sim.ts';
import { describeConformance, escapeRegExp, fx, PW, type ConformanceCase } from './conformance.ts';

/** Parser, flags, output routing and discovery (reference §1.1, §1.2, §2.2–2.4). */
const CASES: Record<string, ConformanceCase> = {
  // Parser (§1.1): usage, flags, counts, ranges, state words, device paths — all exit 136.
  'no arguments prints usage': {
    args: [],
    exit: 136,
    stdout: /^sedutil v1\.20\.0 Copyright 2014-2017 Bright Plaza/,
  },
  '--help prints usage': {
    args: ['--help'],
    exit: 136,
    stdout: new RegExp(`^${escapeRegExp(fx('help-dta-1.20.head.txt'))}`),
  },
  'a value before the action': {
    args: ['query', '/dev/sdb'],
    exit: 136,
    stderr: 'Argument 1 (query) should be a command\n',
  },
  'an unknown action': {
    args: ['--bogus', '/dev/sdb'],
    exit: 136,
    stderr: 'Invalid command line argument --bogus\n',
  },
  'a flag after the action': {
    args: ['--query', '-v', '/dev/sdb'],
    exit: 136,
    stderr: 'Incorrect number of paramaters for --query command\n',
  },
  'range 16': {
    args: ['--setLockingRange', '16', 'RW', PW, '/dev/sdc'],
    exit: 136,
    stderr: 'Invalid Locking Range (0-15) 16\n',
  },
  'range 00': {
    args: ['--enableLockingRange', '00', PW, '/dev/sdc'],
    exit: 136,
    stderr: 'Invalid Locking Range (0-15) 00\n',
  },
  'range for the SUM erase': {
    args: ['--eraseLockingRange_SUM', '+1', PW, '/dev/sdc'],
    exit: 136,
    stderr: 'Invalid Locking Range (1-15) +1\n',
  },
  'a bad lock state': {
    args: ['--setLockingRange', '1', 'XX', PW, '/dev/sdc'],
    exit: 136,
    stderr: 'Invalid locking state <ro|rw|lk> XX\n',
  },
  'a bad MBREnable word': {
    args: ['--setMBREnable', 'maybe', PW, '/dev/sdc'],
    exit: 136,
    stderr: 'Invalid setMBREnable argument not <on|off> maybe\n',
  },
  'a bad MBRDone word': {
    args: ['--setMBRDone', '1', PW, '/dev/sdc'],
    exit: 136,
    stderr: 'Invalid setMBRDone argument not <on|off> 1\n',
  },
  'a by-id path': {
    args: ['--query', '/dev/disk/by-id/ata-x'],
    exit: 136,
    stderr: 'DtaDevOS::init ERROR - unknown drive type\nInvalid or unsupported disk /dev/disk/by-id/ata-x\n',
  },
  'a non-SED': { args: ['--query', '/dev/sde'], exit: 136, stderr: 'Invalid or unsupported disk /dev/sde\n' },
  'a missing node': {
    args: ['--query', '/dev/sdz'],
    exit: 136,
    stderr: 'Invalid or unsupported disk /dev/sdz\n',
  },
  'enableuser with three arguments': {
    args: ['--enableuser', PW, 'User2', '/dev/sdc'],
    exit: 136,
    stderr: 'Incorrect number of paramaters for --enableuser command\n',
  },
  'enableuser with two arguments opens argv[0]': {
    args: ['--enableuser', PW, 'User2'],
    exit: 136,
    stderr: `DtaDevOS::init ERROR - unknown drive type\nInvalid or unsupported disk ${SEDUTIL_CLI}\n`,
  },
  // Discovery (§2.2–2.4).
  '--scan': { args: ['--scan'], exit: 0, stdout: fx('scan-dta-1.20.txt'), fleet: scanFleet },
  '--isValidSED (Opal 1+2)': {
    args: ['--isValidSED', '/dev/sdb'],
    exit: 0,
    stdout: fx('isvalidsed-dta-1.20.txt').split('\n')[0] + '\n',
  },
  '--isValidSED (Enterprise)': {
    args: ['--isValidSED', '/dev/sda'],
    exit: 0,
    stdout: fx('isvalidsed-dta-1.20.txt').split('\n')[1] + '\n',
  },
  '--isValidSED (Ruby, NVMe namespace)': {
    args: ['--isValidSED', '/dev/nvme4n1'],
    exit: 0,
    stdout: fx('isvalidsed-dta-1.20.txt').split('\n')[2] + '\n',
  },
  '--isValidSED of nothing': { args: ['--isValidSED', '/dev/sdy'], exit: 0 },
  '--query (NVMe, factory)': {
    args: ['--query', '/dev/nvme0'],
    exit: 0,
    stdout: fx('query-nvme-samsung-960-evo-factory.txt'),
  },
  '--QUERY is the same action': {
    args: ['--QUERY', '/dev/nvme0'],
    exit: 0,
    stdout: fx('query-nvme-samsung-960-evo-factory.txt'),
  },
  '--query (SATA, after --initialSetup)': {
    args: ['--query', '/dev/sdb'],
    exit: 0,
    stdout: fx('query-ata-samsung-850-evo-after-initialsetup.txt'),
    setup: [['--initialSetup', PW, '/dev/sdb']],
  },
  '--printDefaultPassword': {
    args: ['--printDefaultPassword', '/dev/sdc'],
    exit: 0,
    stdout: /^MSID: [0-9A-Z]{32}\n$/,
  },
};

describeConformance('grammar and discovery', CASES);
