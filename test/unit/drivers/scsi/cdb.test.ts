import { describe, expect, it } from 'vitest';
import {
  decodeInitializeElementStatusWithRangeCdb,
  decodeMoveMediumCdb,
  decodeReadElementStatusCdb,
  initializeElementStatusCdb,
  initializeElementStatusWithRangeCdb,
  moveMediumCdb,
  readElementStatusCdb,
} from '../../../../server/drivers/library/changer-cdb.ts';
import {
  decodeInquiryCdb,
  decodeModeSenseCdb,
  decodeRequestSenseCdb,
  decodeSecurityProtocolCdb,
  inquiryCdb,
  modeSenseCdb,
  requestSenseCdb,
  securityProtocolInCdb,
  securityProtocolOutCdb,
  testUnitReadyCdb,
} from '../../../../server/drivers/scsi/cdb.ts';
import { cdbLengthForOpcode } from '../../../../server/drivers/scsi/opcodes.ts';
import {
  decodeLoadUnloadCdb,
  decodeReadWrite6Cdb,
  decodeRewindCdb,
  decodeSpace6Cdb,
  decodeWriteFilemarksCdb,
  loadUnloadCdb,
  read6Cdb,
  rewindCdb,
  space6Cdb,
  write6Cdb,
  writeFilemarksCdb,
} from '../../../../server/drivers/tape/tape-cdb.ts';
import { bytes, expectBytes, hex } from '../../../fixtures/scsi/byte-builder.ts';
import * as F from '../../../fixtures/scsi/sense-and-cdbs.ts';

describe('SPC CDBs', () => {
  it('SPIN as stenc 2.0 and 1.0.7 send it; SPOUT of a 69-byte page', () => {
    expectBytes(
      securityProtocolInCdb({ protocol: 0x20, protocolSpecific: 0x20, length: 8192 }),
      F.cdbSpinDesStenc2(),
    );
    expectBytes(
      securityProtocolInCdb({ protocol: 0x20, protocolSpecific: 0x20, length: 0x2004 }),
      F.cdbSpinDesStenc1(),
    );
    expectBytes(
      securityProtocolOutCdb({ protocol: 0x20, protocolSpecific: 0x10, length: 69 }),
      F.cdbSpoutSde69(),
    );
    expect(decodeSecurityProtocolCdb(F.cdbSpoutSde69().bytes)).toEqual({
      protocol: 0x20,
      protocolSpecific: 0x10,
      length: 69,
      inc512: false,
    });
  });

  it('INQUIRY standard (stenc) and VPD 0x80', () => {
    expectBytes(inquiryCdb({ evpd: false, page: 0, allocationLength: 96 }), F.cdbInquiryStenc());
    expectBytes(
      inquiryCdb({ evpd: true, page: 0x80, allocationLength: 255 }),
      bytes().hex('12 01 80 00 ff 00', 'INQUIRY EVPD 0x80'),
    );
    expect(decodeInquiryCdb(hex('12 01 83 01 00 00'))).toEqual({
      evpd: true,
      page: 0x83,
      allocationLength: 256,
    });
    expect(() => inquiryCdb({ evpd: false, page: 0x80, allocationLength: 96 })).toThrow(/needs EVPD/);
  });

  it('TEST UNIT READY, REQUEST SENSE, MODE SENSE(6)/(10)', () => {
    expectBytes(testUnitReadyCdb(), bytes().zeros(6, 'TEST UNIT READY'));
    expectBytes(
      requestSenseCdb({ descriptor: false, allocationLength: 252 }),
      bytes().hex('03 00 00 00 fc 00', 'REQUEST SENSE 252'),
    );
    expect(decodeRequestSenseCdb(hex('03 01 00 00 60 00'))).toEqual({
      descriptor: true,
      allocationLength: 96,
    });
    const ms6 = {
      form: 6 as const,
      disableBlockDescriptors: true,
      pageControl: 0,
      page: 0x1d,
      subpage: 0,
      allocationLength: 255,
    };
    expectBytes(modeSenseCdb(ms6), bytes().hex('1a 08 1d 00 ff 00', 'MODE SENSE(6) DBD page 0x1D'));
    expect(decodeModeSenseCdb(modeSenseCdb(ms6))).toEqual(ms6);
    const ms10 = {
      ...ms6,
      form: 10 as const,
      disableBlockDescriptors: false,
      page: 0x3f,
      allocationLength: 0x1000,
    };
    expectBytes(
      modeSenseCdb(ms10),
      bytes().hex('5a 00 3f 00 00 00 00 10 00 00', 'MODE SENSE(10) all pages 4096'),
    );
    expect(decodeModeSenseCdb(modeSenseCdb(ms10))).toEqual(ms10);
  });

  it('a CDB with the wrong opcode or cut short is refused', () => {
    expect(() => decodeInquiryCdb(hex('00 00 00 00 00 00'))).toThrow(
      /OPERATION CODE \(byte 0\) is 0x0, expected 0x12/,
    );
    expect(() => decodeSecurityProtocolCdb(hex('a2 20 00 20'))).toThrow(/CDB \(byte 0\) is truncated/);
  });

  it('CDB length follows the group code', () => {
    expect([0x00, 0x5a, 0x8c, 0xa2, 0xe7, 0xc0].map(cdbLengthForOpcode)).toEqual([
      6,
      10,
      16,
      12,
      10,
      undefined,
    ]);
  });
});

describe('SSC CDBs', () => {
  it('LOAD UNLOAD, REWIND', () => {
    expectBytes(loadUnloadCdb({ load: true }), bytes().hex('1b 00 00 00 01 00', 'LOAD'));
    expectBytes(
      loadUnloadCdb({ load: false, immed: true }),
      bytes().hex('1b 01 00 00 00 00', 'UNLOAD IMMED'),
    );
    expect(decodeLoadUnloadCdb(hex('1b 00 00 00 0d 00'))).toEqual({
      load: true,
      immed: false,
      hold: true,
      eot: true,
      reten: false,
    });
    expectBytes(rewindCdb(), bytes().hex('01 00 00 00 00 00', 'REWIND'));
    expect(decodeRewindCdb(hex('01 01 00 00 00 00'))).toEqual({ immed: true });
  });

  it('READ(6)/WRITE(6) variable mode, WRITE FILEMARKS', () => {
    expectBytes(
      read6Cdb({ length: 0x10000, sili: true }),
      bytes().hex('08 02', 'READ(6) SILI').u24(0x10000, 'LENGTH').u8(0, 'CONTROL'),
    );
    expectBytes(write6Cdb({ length: 512 }), bytes().hex('0a 00 00 02 00 00', 'WRITE(6) 512 bytes'));
    expect(decodeReadWrite6Cdb(hex('0a 01 00 00 08 00'))).toEqual({ fixed: true, sili: false, length: 8 });
    expectBytes(writeFilemarksCdb(1), bytes().hex('10 00 00 00 01 00', 'WRITE FILEMARKS 1'));
    expect(decodeWriteFilemarksCdb(hex('10 01 00 00 02 00'))).toEqual({ immed: true, count: 2 });
  });

  it('SPACE(6) as stenc 1.x sends it: +1 and -100 blocks', () => {
    expectBytes(space6Cdb(0, 1), F.cdbSpaceForward1());
    expectBytes(space6Cdb(0, -100), F.cdbSpaceBack100());
    expect(decodeSpace6Cdb(F.cdbSpaceBack100().bytes)).toEqual({ code: 0, count: -100 });
  });
});

describe('SMC CDBs', () => {
  it('READ ELEMENT STATUS with VOLTAG and DVCID', () => {
    const req = {
      volTag: true,
      elementType: 4,
      startingAddress: 500,
      numberOfElements: 4,
      curData: false,
      dvcid: true,
      allocationLength: 0x10000,
    };
    const fixture = bytes()
      .u8(0xb8, 'OPERATION CODE')
      .u8(0x14, 'VOLTAG | ELEMENT TYPE CODE data transfer')
      .u16(500, 'STARTING ELEMENT ADDRESS')
      .u16(4, 'NUMBER OF ELEMENTS')
      .u8(0x01, 'DVCID')
      .u24(0x10000, 'ALLOCATION LENGTH')
      .zeros(2, 'reserved, CONTROL');
    expectBytes(readElementStatusCdb(req), fixture);
    expect(decodeReadElementStatusCdb(fixture.bytes)).toEqual(req);
  });

  it('MOVE MEDIUM, INITIALIZE ELEMENT STATUS (0x07, 0x37 and vendor 0xE7)', () => {
    const move = { transportAddress: 1, sourceAddress: 1000, destinationAddress: 500, invert: false };
    const fixture = bytes()
      .u8(0xa5, 'OPERATION CODE')
      .u8(0, 'obsolete')
      .u16(1, 'MEDIUM TRANSPORT ADDRESS')
      .u16(1000, 'SOURCE ADDRESS')
      .u16(500, 'DESTINATION ADDRESS')
      .zeros(2, 'reserved')
      .u8(0, 'INVERT')
      .u8(0, 'CONTROL');
    expectBytes(moveMediumCdb(move), fixture);
    expect(decodeMoveMediumCdb(fixture.bytes)).toEqual(move);
    expectBytes(initializeElementStatusCdb(), bytes().hex('07 00 00 00 00 00', 'INITIALIZE ELEMENT STATUS'));
    const range = { range: true, fast: false, startingAddress: 1000, numberOfElements: 40 };
    expectBytes(
      initializeElementStatusWithRangeCdb(range),
      bytes().hex('37 01 03 e8 00 00 00 28 00 00', 'IES WITH RANGE'),
    );
    expect(decodeInitializeElementStatusWithRangeCdb(hex('e7 01 03 e8 00 00 00 28 00 00'))).toEqual(range);
  });
});
