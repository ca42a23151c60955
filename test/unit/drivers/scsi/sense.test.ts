import { describe, expect, it } from 'vitest';
import { ascName, decodeSense, describeSense } from '../../../../server/drivers/scsi/sense.ts';
import { encodeDescriptorSense, encodeFixedSense } from '../../../../server/drivers/scsi/sense-encode.ts';
import { expectBytes, hex } from '../../../fixtures/scsi/byte-builder.ts';
import * as F from '../../../fixtures/scsi/sense-and-cdbs.ts';

describe('fixed-format sense', () => {
  it('5/26/00 with a field pointer into the parameter data (byte 18)', () => {
    const s = decodeSense(F.senseSpoutKeyLength().bytes);
    expect(s).toMatchObject({ format: 'fixed', deferred: false, senseKey: 5, asc: 0x26, ascq: 0 });
    expect(s.fieldPointer).toEqual({ inCdb: false, field: 18 });
    expect(s.information).toBeUndefined();
    expect(describeSense(s)).toBe('ILLEGAL REQUEST, Invalid field in parameter list (5/26/00)');
    expectBytes(
      encodeFixedSense({ senseKey: 5, asc: 0x26, ascq: 0, fieldPointer: { inCdb: false, field: 18 } }),
      F.senseSpoutKeyLength(),
    );
  });

  it('7/74/03 wrong key', () => {
    const s = decodeSense(F.senseWrongKey().bytes);
    expect(describeSense(s)).toBe('DATA PROTECT, Incorrect data encryption key (7/74/03)');
    expectBytes(encodeFixedSense({ senseKey: 7, asc: 0x74, ascq: 0x03 }), F.senseWrongKey());
  });

  it('filemark: VALID, FILEMARK and the residue in INFORMATION', () => {
    const s = decodeSense(F.senseFilemark().bytes);
    expect(s).toMatchObject({ filemark: true, information: 0x10000, asc: 0, ascq: 1 });
    expectBytes(
      encodeFixedSense({ senseKey: 0, asc: 0, ascq: 1, filemark: true, information: 0x10000 }),
      F.senseFilemark(),
    );
  });

  it('overlength block: ILI with a negative INFORMATION', () => {
    expect(decodeSense(F.senseOverlength().bytes)).toMatchObject({ ili: true, information: -16 });
    expectBytes(
      encodeFixedSense({ senseKey: 0, asc: 0, ascq: 0, ili: true, information: -16 }),
      F.senseOverlength(),
    );
  });

  it('deferred, NOT READY progress, vendor bytes and a host buffer that cut them', () => {
    const long = new Uint8Array(40);
    long.set(encodeFixedSense({ senseKey: 2, asc: 4, ascq: 1, deferred: true, progress: 0.5 }));
    long[7] = 32; // 40 bytes announced: 22 vendor bytes
    long[20] = 0x42;
    const s = decodeSense(long);
    expect(s).toMatchObject({ deferred: true, progress: 0.5, truncated: false });
    expect(s.vendor[2]).toBe(0x42);
    expect(decodeSense(long.subarray(0, 32))).toMatchObject({ truncated: true, asc: 4, ascq: 1 });
  });

  it('an announced ASC that is not there, or a foreign response code, fails', () => {
    expect(() => decodeSense(F.senseWrongKey().bytes.subarray(0, 12))).toThrow(
      /ASC\/ASCQ \(byte 12\) is truncated/,
    );
    expect(() => decodeSense(hex('7f 00 05 00 00 00 00 0a'))).toThrow(
      /RESPONSE CODE \(byte 0\) 0x7f is neither/,
    );
    expect(() => decodeSense(new Uint8Array(0))).toThrow(/RESPONSE CODE \(byte 0\) is truncated/);
  });

  it('a minimal 8-byte sense without ASC is accepted as 0/0', () => {
    expect(decodeSense(hex('70 00 06 00 00 00 00 00'))).toMatchObject({ senseKey: 6, asc: 0, ascq: 0 });
  });
});

describe('descriptor-format sense', () => {
  it('the verified example: information, stream commands and SKS descriptors', () => {
    const s = decodeSense(F.senseDescriptorExample().bytes);
    expect(s).toMatchObject({
      format: 'descriptor',
      senseKey: 7,
      asc: 0x74,
      ascq: 3,
      information: 5,
      filemark: true,
    });
    // SPC defines no SKS meaning for DATA PROTECT: the bytes are kept raw, not read as a field pointer.
    expect(s.fieldPointer).toBeUndefined();
    expect(s.senseKeySpecific).toEqual(hex('80 00 12'));
    const input = {
      senseKey: 7,
      asc: 0x74,
      ascq: 3,
      information: 5,
      filemark: true,
      fieldPointer: { inCdb: false, field: 0x12 },
    };
    expectBytes(encodeDescriptorSense(input), F.senseDescriptorExample());
  });

  it('unknown descriptors are kept raw; an overrun is refused; a host cut is tolerated', () => {
    const withVendor = hex('72 05 3a 00 00 00 00 06  80 04 de ad be ef');
    expect(decodeSense(withVendor).vendor).toEqual(hex('80 04 de ad be ef'));
    expect(() => decodeSense(hex('72 05 3a 00 00 00 00 04  80 04 de ad'))).toThrow(
      /runs past the ADDITIONAL SENSE LENGTH/,
    );
    expect(decodeSense(withVendor.subarray(0, 11))).toMatchObject({
      truncated: true,
      asc: 0x3a,
      vendor: new Uint8Array(0),
    });
  });

  it('a descriptor too short for its type is refused', () => {
    expect(() => decodeSense(hex('72 07 74 03 00 00 00 04  00 02 80 00'))).toThrow(
      /INFORMATION descriptor .* too short/,
    );
  });
});

describe('names', () => {
  it('encryption codes by their T10 names, IBM vendor codes, and unknown ones in hex', () => {
    expect(ascName(0x74, 0x01)).toBe('Unable to decrypt data');
    expect(ascName(0x74, 0x02)).toBe('Unencrypted data encountered while decrypting');
    expect(ascName(0x2a, 0x13)).toBe('Data encryption key instance counter has changed');
    expect(ascName(0x74, 0x21)).toBe('Data encryption configuration prevented');
    expect(ascName(0xef, 0x10, 7)).toBe('IBM: encryption key required');
    expect(ascName(0xee, 0x25, 5)).toBe('IBM: encryption key management error');
    // 74/70 is not a T10 code (reference §4.3): never given a made-up name.
    expect(ascName(0x74, 0x70)).toBe('ASC=0x74, ASCQ=0x70');
  });
});
