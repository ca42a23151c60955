import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseLockingRanges,
  parseScan,
  parseToolInfo,
  SedutilParseError,
  tcgStatusOf,
} from '../../../../server/drivers/sed/sedutil-parser.ts';
import { parseQuery } from '../../../../server/drivers/sed/sedutil-query-parser.ts';

const fx = (name: string) =>
  readFileSync(new URL(`../../../fixtures/sedutil/${name}`, import.meta.url), 'utf8');
const NO = { opal1: false, opal2: false, enterprise: false, pyrite: false, opalite: false, ruby: false };

describe('parseScan', () => {
  it('reads the 1.20 transcript: names, SSC letters, raw model and firmware', () => {
    const drives = parseScan(fx('scan-dta-1.20.txt'));
    expect(drives.map((d) => [d.device, d.ssc, d.model, d.firmware])).toEqual([
      ['/dev/nvme0', 'opal2', 'Samsung SSD 960 EVO 250GB', '2B7QCXE7'],
      ['/dev/sda', 'opal2', 'Crucial_CT250MX200SSD1', 'MU04'],
      ['/dev/sdb', 'opal2', 'Samsung SSD 850 EVO 500GB', 'EMT01B6Q'],
      ['/dev/sdc', 'opal2', 'ST500LT025-1DH142', '0001SDM7'],
      ['/dev/sdd', 'opal2', 'Samsung SSD 850 EVO 250GB', 'EMT01B6Q'],
      ['/dev/sde', 'none', 'WDC WD10SPCX-24HWST1', '02.01A02'],
      ['/dev/sdf', 'enterprise', 'HUSMM814 CLAR400', 'C260'],
    ]);
    expect(drives[2]!.flags).toEqual({ ...NO, opal1: true, opal2: true });
    expect(drives[6]!.flags).toEqual({ ...NO, enterprise: true });
  });

  it('handles a device that could not be opened and names longer than ten columns', () => {
    const out =
      'Scanning for Opal compliant disks\n/dev/nvme0 No   \n/dev/nvme10  2  X                                        FW      \nNo more disks present ending scan\n';
    expect(parseScan(out)).toEqual([
      { device: '/dev/nvme0', ssc: 'none', flags: NO, model: '', firmware: '' },
      { device: '/dev/nvme10', ssc: 'opal2', flags: { ...NO, opal2: true }, model: 'X', firmware: 'FW' },
    ]);
  });

  it('reads the 1.49 layout (model cut to 25, transport column) and ChubbyAnt letters', () => {
    expect(parseScan(fx('scan-dta-1.49.txt'), 'dta-1.49')).toEqual([
      {
        device: '/dev/nvme0n1',
        ssc: 'opal2',
        flags: { ...NO, opal1: true, opal2: true },
        model: 'Samsung SSD 990 PRO 4TB',
        firmware: '7B2QJXD7',
      },
    ]);
    // ChubbyAnt: ` ` + 1 2 E L p P r + ` `; a Pyrite 2.0 drive has only the sixth letter.
    const chubby = `Scanning for Opal compliant disks\n/dev/nvme1      P  ${'Corsair MP400'.padEnd(40)} ECFM53.0\n`;
    expect(parseScan(chubby, 'chubbyant')[0]).toMatchObject({
      ssc: 'pyrite',
      model: 'Corsair MP400',
      firmware: 'ECFM53.0',
    });
  });

  it('refuses output that is not a scan', () => {
    expect(() => parseScan('Invalid or unsupported disk /dev/sda\n')).toThrow(SedutilParseError);
  });
});

describe('parseQuery', () => {
  it('reads sample A (SATA after --initialSetup)', () => {
    const q = parseQuery(fx('query-ata-samsung-850-evo-after-initialsetup.txt'));
    expect(q).toMatchObject({
      device: '/dev/sdb',
      transport: 'ata',
      model: 'Samsung SSD 850 EVO 500GB',
      firmware: 'EMT02B6Q',
      serial: 'S2RBNX0H000000A',
      serialField: 'S2RBNX0H000000A     ',
      ssc: 'opal2',
      flags: { ...NO, opal1: true, opal2: true },
      locking: {
        locked: false,
        lockingEnabled: true,
        lockingSupported: true,
        mbrDone: true,
        mbrEnabled: true,
        mediaEncrypt: true,
      },
      geometry: { align: false, granularity: 1, logicalBlockSize: 512, lowestAlignedLba: 0 },
      opal2: { baseComId: 0x1004, lockingAdmins: 4, lockingUsers: 9, initialPin: 0, revertedPin: 0 },
      singleUser: { lockingObjects: 9, any: false, all: false, policy: true },
      unknownFeatureCount: 0,
    });
    expect(q.tperProperties).toEqual({
      MaxComPacketSize: 66048,
      MaxResponseComPacketSize: 66048,
      MaxPacketSize: 66028,
      MaxIndTokenSize: 65540,
      MaxPackets: 1,
      MaxSubpackets: 1,
      MaxMethods: 1,
      MaxAuthentications: 5,
      MaxSessions: 1,
      MaxTransactionLimit: 1,
      DefSessionTimeout: 0,
    });
  });

  it('reads sample B (NVMe, factory): no SingleUser section, locking off', () => {
    const q = parseQuery(fx('query-nvme-samsung-960-evo-factory.txt'));
    expect(q).toMatchObject({
      transport: 'nvme',
      serial: 'S3X4NB0K000000A',
      model: 'Samsung SSD 960 EVO 1TB',
      ssc: 'opal2',
    });
    expect(q.locking).toMatchObject({ lockingEnabled: false, locked: false, mbrEnabled: false });
    expect(q.geometry).toMatchObject({ align: true, granularity: 8 });
    expect(q.singleUser).toBeUndefined();
    expect(q.flags.opal1).toBe(false);
  });

  it('reads the SAS form, unknown-feature count, Enterprise hex comIDs and -l prefixes', () => {
    const out = [
      '',
      '/dev/sda SAS HUH721010AL5205  NE02 HGST    ',
      '- 10:00:00.000 INFO: ignored',
      'Locking function (0x0002)',
      '    Locked = Y, LockingEnabled = Y, LockingSupported = Y, MBRDone = N, MBREnabled = N, MediaEncrypt = Y',
      'Enterprise function (0x0100)',
      '    Range crossing = N, Base comID = 0x07fe, comIDs = 2',
      '**** 2 **** Unknown function codes IGNORED ',
      '',
    ].join('\n');
    expect(parseQuery(out)).toMatchObject({
      transport: 'sas',
      model: 'HUH721010AL5205',
      firmware: 'NE02',
      serial: 'HGST',
      ssc: 'enterprise',
      locking: { locked: true },
      unknownFeatureCount: 2,
      tperProperties: {},
    });
  });

  it('reads a 1.49 identity line (fields separated by runs of spaces)', () => {
    const out =
      '\n/dev/nvme0 NVMe   Samsung SSD 990 PRO 4TB  7B2QJXD7   S6Z1NF0X000000A\nOPAL 2.15 function (0x0203)\n    Base comID = 0x1000, Initial PIN = 0x0, Reverted PIN = 0x0, comIDs = 1\n    Locking Admins = 4, Locking Users = 9, Range Crossing = N\n';
    expect(parseQuery(out)).toMatchObject({
      model: 'Samsung SSD 990 PRO 4TB',
      firmware: '7B2QJXD7',
      serial: 'S6Z1NF0X000000A',
      ssc: 'opal2',
    });
  });

  it('refuses output without an identity line', () => {
    expect(() => parseQuery('Invalid or unsupported disk /dev/sde\n')).toThrow(SedutilParseError);
  });
});

describe('parseLockingRanges', () => {
  it('reads every range with its four bits', () => {
    const ranges = parseLockingRanges(fx('list-locking-ranges-nvme0.txt'));
    expect(ranges).toHaveLength(9);
    expect(ranges[0]).toEqual({
      range: 0,
      start: 0,
      length: 0,
      readLockEnabled: true,
      writeLockEnabled: true,
      readLocked: false,
      writeLocked: false,
    });
    expect(ranges[1]).toMatchObject({ range: 1, start: 1048576, length: 2097152, readLockEnabled: false });
    expect(ranges[8]).toMatchObject({ range: 8, start: 0, length: 0 });
  });

  it('refuses a list whose flags line is missing', () => {
    expect(() => parseLockingRanges('Locking Range Configuration for /dev/sda\nLR0 Begin 0 for 0\n')).toThrow(
      /LR0 has no flags line/,
    );
  });
});

describe('parseToolInfo', () => {
  it('tells DTA 1.20, 1.49 and ChubbyAnt apart from --help', () => {
    expect(parseToolInfo(fx('help-dta-1.20.head.txt'))).toEqual({
      variant: 'dta-1.20',
      version: '1.20.0',
      passwordScheme: 'dta-sha1-75k',
    });
    expect(parseToolInfo('sedutil v1.49.9 Copyright 2014-2017 Bright Plaza Inc.\n')).toMatchObject({
      variant: 'dta-1.49',
    });
    expect(parseToolInfo('sedutil-cli v1.49.13 Copyright 2014-2025\n')).toMatchObject({
      variant: 'dta-1.49',
    });
    const chubby =
      'sedutil v1.15.1-87 Copyright 2014-2017 Bright Plaza Inc.\nto the Trusted Computing Group (TCG) Enterprise, Opal, Opalite and Pyrite SSC specs\n--PSIDrevertAdminSP <PSID> <device>\n';
    expect(parseToolInfo(chubby)).toEqual({
      variant: 'chubbyant',
      version: '1.15.1-87',
      passwordScheme: 'chubbyant-sha512-500k',
    });
    expect(parseToolInfo('Usage: something-else\n')).toBeUndefined();
  });
});

describe('tcgStatusOf', () => {
  it('takes the status name sedutil logged', () => {
    expect(tcgStatusOf(fx('error-not-authorized.stderr.txt'))).toBe('NOT_AUTHORIZED');
    expect(tcgStatusOf(fx('log-style-not-authorized.stderr.txt'))).toBe('NOT_AUTHORIZED');
    expect(tcgStatusOf('takeOwnership failed\n')).toBeUndefined();
  });
});
