import { describe, expect, it } from 'vitest';
import { isDriverError } from '../../../../server/drivers/core/driver-error.ts';
import { decodeCapabilities, encodeCapabilities } from '../../../../server/drivers/tape/capabilities-page.ts';
import { ALGORITHM_AES_256_GCM } from '../../../../server/drivers/tape/encryption-constants.ts';
import {
  decodeSetDataEncryption,
  encodeSetDataEncryption,
} from '../../../../server/drivers/tape/set-data-encryption-page.ts';
import {
  decodeDataEncryptionStatus,
  decodeNextBlockEncryptionStatus,
  encodeDataEncryptionStatus,
  encodeNextBlockEncryptionStatus,
} from '../../../../server/drivers/tape/status-pages.ts';
import {
  decodeCertificate,
  decodeKeyFormats,
  decodeManagementCapabilities,
  decodePageList,
  decodeSupportedProtocols,
  encodeCertificate,
  encodeKeyFormats,
  encodeManagementCapabilities,
  encodePageList,
  encodeSupportedProtocols,
} from '../../../../server/drivers/tape/support-pages.ts';
import { expectBytes } from '../../../fixtures/scsi/byte-builder.ts';
import * as F from '../../../fixtures/scsi/encryption-pages.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('protocol 0x00 and the support pages', () => {
  it('supported protocols: 00 and 20', () => {
    expect(decodeSupportedProtocols(F.supportedProtocols().bytes)).toEqual([0x00, 0x20]);
    expectBytes(encodeSupportedProtocols([0x00, 0x20]), F.supportedProtocols());
  });

  it('certificate: empty', () => {
    expect(decodeCertificate(F.certificateEmpty().bytes)).toHaveLength(0);
    expectBytes(encodeCertificate(new Uint8Array(0)), F.certificateEmpty());
  });

  it('in support (mhvtl, 7 pages) and out support', () => {
    const pages = [0x00, 0x01, 0x10, 0x11, 0x12, 0x20, 0x21];
    expect(decodePageList(F.inSupport().bytes, 0x0000)).toEqual(pages);
    expectBytes(encodePageList(0x0000, pages), F.inSupport());
    expect(decodePageList(F.outSupport().bytes, 0x0001)).toEqual([0x10]);
    expectBytes(encodePageList(0x0001, [0x10]), F.outSupport());
  });

  it('key formats and management capabilities (HP LTO-5: every bit)', () => {
    expect(decodeKeyFormats(F.keyFormats().bytes)).toEqual([0]);
    expectBytes(encodeKeyFormats([0]), F.keyFormats());
    const caps = decodeManagementCapabilities(F.managementCapabilitiesAll().bytes);
    expect(Object.values(caps).every(Boolean)).toBe(true);
    expectBytes(encodeManagementCapabilities(caps), F.managementCapabilitiesAll());
  });

  it('a page list asked of the wrong page fails naming PAGE CODE', () => {
    expect(() => decodePageList(F.outSupport().bytes, 0x0000)).toThrow(
      /PAGE CODE \(byte 0\) is 0x0001, expected 0x0000/,
    );
  });
});

describe('page 0x0010 Data Encryption Capabilities', () => {
  it("mhvtl's LTO-8 page, both ways", () => {
    const caps = decodeCapabilities(F.capabilitiesMhvtlLto8().bytes);
    expect(caps).toMatchObject({ extdecc: 0, cfgP: 1 });
    expect(caps.algorithms).toEqual([
      {
        index: 1,
        avfmv: true,
        sdkC: false,
        macC: true,
        delbC: true,
        decryptC: 2,
        encryptC: 2,
        avfclp: 0,
        nonceC: 1,
        kadfC: false,
        vcelbC: false,
        ukadFixed: false,
        akadFixed: false,
        maxUkadLength: 32,
        maxAkadLength: 12,
        keyLength: 32,
        dkadC: 0,
        eemcC: 0,
        rdmcC: 4,
        earem: true,
        maxEedkCount: 0,
        msdkCount: 0,
        maxEedkSize: 0,
        algorithmCode: ALGORITHM_AES_256_GCM,
      },
    ]);
    expectBytes(encodeCapabilities(caps), F.capabilitiesMhvtlLto8());
  });

  it("stenc's two-algorithm sample: flags 8a 8c ed / 8a 8f d9", () => {
    const caps = decodeCapabilities(F.capabilitiesStencSample().bytes);
    expect(caps).toMatchObject({ extdecc: 2, cfgP: 1 });
    const [gcm, ccm] = caps.algorithms;
    expect(gcm).toMatchObject({
      avfmv: true,
      decryptC: 2,
      encryptC: 2,
      avfclp: 2,
      kadfC: true,
      vcelbC: true,
    });
    expect(gcm).toMatchObject({
      ukadFixed: false,
      dkadC: 3,
      eemcC: 2,
      rdmcC: 6,
      earem: true,
      maxAkadLength: 60,
    });
    expect(ccm).toMatchObject({
      index: 2,
      ukadFixed: true,
      akadFixed: true,
      rdmcC: 4,
      eemcC: 1,
      algorithmCode: 0x00010010,
    });
    expectBytes(encodeCapabilities(caps), F.capabilitiesStencSample());
  });

  it('a descriptor shorter than 20 bytes is refused', () => {
    const b = F.capabilitiesMhvtlLto8().bytes;
    b[23] = 0x10;
    expect(() => decodeCapabilities(b)).toThrow(/DESCRIPTOR LENGTH \(byte 22\) 16 is shorter than 20/);
  });
});

describe('page 0x0020 Data Encryption Status', () => {
  it('power-on', () => {
    const s = decodeDataEncryptionStatus(F.desPowerOn().bytes);
    expect(s).toMatchObject({
      encryptionMode: 0,
      decryptionMode: 0,
      keyInstanceCounter: 0,
      parametersControl: 1,
      kads: [],
    });
    expectBytes(encodeDataEncryptionStatus(s), F.desPowerOn());
  });

  it('after stenc set a key with U-KAD "Hello world!"', () => {
    const s = decodeDataEncryptionStatus(F.desAfterSet().bytes);
    expect(s).toMatchObject({
      itNexusScope: 2,
      keyScope: 2,
      encryptionMode: 2,
      decryptionMode: 2,
      algorithmIndex: 1,
      keyInstanceCounter: 1,
      parametersControl: 1,
      vcelb: true,
      rdmd: false,
    });
    expect(s.kads).toEqual([{ type: 0, authenticated: 1, data: text('Hello world!') }]);
    expectBytes(encodeDataEncryptionStatus(s), F.desAfterSet());
  });

  it('a page cut by the allocation length says how many bytes it needs', () => {
    const err: unknown = (() => {
      try {
        decodeDataEncryptionStatus(F.desAfterSet().bytes.subarray(0, 30));
      } catch (e) {
        return e;
      }
    })();
    expect(isDriverError(err, 'SCSI_DECODE_FAILED')).toBe(true);
    expect((err as { detail: Record<string, unknown> }).detail).toMatchObject({
      field: 'PAGE LENGTH',
      needed: 40,
    });
  });

  it('a KAD running past the PAGE LENGTH is refused', () => {
    const b = F.desAfterSet().bytes;
    b[27] = 0x0d;
    expect(() => decodeDataEncryptionStatus(b)).toThrow(/KEY DESCRIPTOR LENGTH \(byte 26\) 13 runs past/);
  });
});

describe('page 0x0021 Next Block Encryption Status', () => {
  it('wrong key: status 6 with the U-KAD', () => {
    const s = decodeNextBlockEncryptionStatus(F.nbesWrongKey().bytes);
    expect(s).toMatchObject({
      logicalObjectNumber: 0,
      encryptionStatus: 6,
      algorithmIndex: 1,
      compressionStatus: 0,
    });
    expect(s.kads).toEqual([{ type: 0, authenticated: 1, data: text('September key') }]);
    expectBytes(encodeNextBlockEncryptionStatus(s), F.nbesWrongKey());
  });

  it('no volume (Quantum): all zero', () => {
    const s = decodeNextBlockEncryptionStatus(F.nbesNoVolume().bytes);
    expect(s).toMatchObject({ encryptionStatus: 0, kads: [] });
    expectBytes(encodeNextBlockEncryptionStatus(s), F.nbesNoVolume());
  });

  it('a 64-bit object number beyond 2^53 is refused rather than rounded', () => {
    const b = F.nbesNoVolume().bytes;
    b[4] = 0xff;
    expect(() => decodeNextBlockEncryptionStatus(b)).toThrow(
      /LOGICAL OBJECT NUMBER \(byte 4\) is beyond 2\^53/,
    );
  });
});

describe('SPOUT page 0x0010 Set Data Encryption', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const base = {
    scope: 2,
    lock: false,
    ceem: 0,
    rdmc: 0,
    sdk: false,
    ckod: false,
    ckorp: false,
    ckorl: false,
    keyFormat: 0,
    kadFormat: 0,
    algorithmIndex: 1,
  };

  it('stenc 2.0 -e on -d on with U-KAD "September key" (69 bytes)', () => {
    const page = {
      ...base,
      ceem: 1,
      encryptionMode: 2,
      decryptionMode: 2,
      kadFormat: 2,
      key,
      kads: [{ type: 0, authenticated: 0, data: text('September key') }],
    };
    expectBytes(encodeSetDataEncryption(page), F.spoutStenc2On());
    expect(decodeSetDataEncryption(F.spoutStenc2On().bytes)).toEqual(page);
  });

  it('stenc 1.0.7 mixed + ckod + protect, and off with 32 zero key bytes', () => {
    const mixed = { ...base, rdmc: 3, ckod: true, encryptionMode: 2, decryptionMode: 3, key, kads: [] };
    expectBytes(encodeSetDataEncryption(mixed), F.spoutStenc1MixedCkod());
    expect(decodeSetDataEncryption(F.spoutStenc1MixedCkod().bytes)).toEqual(mixed);
    const off = { ...base, encryptionMode: 0, decryptionMode: 0, key: new Uint8Array(32), kads: [] };
    expectBytes(encodeSetDataEncryption(off), F.spoutStenc1Off());
  });

  it('stenc 2.0 off: KEY LENGTH 0', () => {
    const off = {
      ...base,
      ceem: 1,
      kadFormat: 2,
      encryptionMode: 0,
      decryptionMode: 0,
      key: new Uint8Array(0),
      kads: [],
    };
    expectBytes(encodeSetDataEncryption(off), F.spoutStenc2Off());
    expect(decodeSetDataEncryption(F.spoutStenc2Off().bytes)).toEqual(off);
  });

  it('LTFS with a 12-byte A-KAD', () => {
    const akad = Uint8Array.from([0x44, 0x4b, 0x69, 0, 0, 0, 0, 0, 0, 0, 0, 0x2a]);
    const page = {
      ...base,
      encryptionMode: 2,
      decryptionMode: 3,
      key,
      kads: [{ type: 1, authenticated: 0, data: akad }],
    };
    expectBytes(encodeSetDataEncryption(page), F.spoutLtfsAkad());
    expect(decodeSetDataEncryption(F.spoutLtfsAkad().bytes)).toEqual(page);
  });

  it('the device side refuses what a strict drive refuses, with the offending byte as field pointer', () => {
    const withGarbageKad = F.spoutStenc2On().bytes;
    withGarbageKad[53] = 0xf8; // stenc 1.0.7 issue #11: uninitialised KAD reserved bits
    expect(() => decodeSetDataEncryption(withGarbageKad)).toThrow(
      expect.objectContaining({ detail: expect.objectContaining({ offset: 53 }) }),
    );
    const reserved = F.spoutStenc2Off().bytes;
    reserved[14] = 1;
    expect(() => decodeSetDataEncryption(reserved)).toThrow(
      expect.objectContaining({ detail: expect.objectContaining({ offset: 14 }) }),
    );
    const longKey = F.spoutStenc2Off().bytes;
    longKey[19] = 0x20; // KEY LENGTH 32 in a page with no room for it
    expect(() => decodeSetDataEncryption(longKey)).toThrow(
      /KEY LENGTH \(byte 18\) 32 runs past the PAGE LENGTH/,
    );
  });
});
