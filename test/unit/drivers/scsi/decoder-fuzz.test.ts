import { describe, expect, it } from 'vitest';
import { DriverError } from '../../../../server/drivers/core/driver-error.ts';
import * as changerCdb from '../../../../server/drivers/library/changer-cdb.ts';
import { decodeElementAddressPage } from '../../../../server/drivers/library/element-address-page.ts';
import { decodeElementStatus } from '../../../../server/drivers/library/element-status.ts';
import * as cdb from '../../../../server/drivers/scsi/cdb.ts';
import * as inquiry from '../../../../server/drivers/scsi/inquiry.ts';
import { decodeModeParameters } from '../../../../server/drivers/scsi/mode-data.ts';
import { decodeSense } from '../../../../server/drivers/scsi/sense.ts';
import { decodeCapabilities } from '../../../../server/drivers/tape/capabilities-page.ts';
import { decodeSetDataEncryption } from '../../../../server/drivers/tape/set-data-encryption-page.ts';
import * as status from '../../../../server/drivers/tape/status-pages.ts';
import * as support from '../../../../server/drivers/tape/support-pages.ts';
import * as tapeCdb from '../../../../server/drivers/tape/tape-cdb.ts';
import * as identity from '../../../fixtures/scsi/changer-and-identity.ts';
import * as pages from '../../../fixtures/scsi/encryption-pages.ts';
import * as senseCdbs from '../../../fixtures/scsi/sense-and-cdbs.ts';

/**
 * Every decoder meets random bytes, every prefix of every fixture, and fixtures with random
 * bytes changed: it may return or throw DriverError('SCSI_DECODE_FAILED'), nothing else (no
 * RangeError, no TypeError from a missing byte, no hang). Seeded, so a failure replays.
 */
const DECODERS: Record<string, (b: Uint8Array) => unknown> = {
  sense: decodeSense,
  inquiry: inquiry.decodeInquiry,
  vpd80: inquiry.decodeUnitSerialVpd,
  vpd83: inquiry.decodeDeviceIdentificationVpd,
  mode6: (b) => decodeModeParameters(b, 6),
  mode10: (b) => decodeModeParameters(b, 10),
  elementAddressPage: decodeElementAddressPage,
  elementStatus: decodeElementStatus,
  supportedProtocols: support.decodeSupportedProtocols,
  certificate: support.decodeCertificate,
  inSupport: (b) => support.decodePageList(b, 0),
  outSupport: (b) => support.decodePageList(b, 1),
  keyFormats: support.decodeKeyFormats,
  managementCapabilities: support.decodeManagementCapabilities,
  capabilities: decodeCapabilities,
  des: status.decodeDataEncryptionStatus,
  nbes: status.decodeNextBlockEncryptionStatus,
  sde: decodeSetDataEncryption,
  inquiryCdb: cdb.decodeInquiryCdb,
  requestSenseCdb: cdb.decodeRequestSenseCdb,
  modeSenseCdb: cdb.decodeModeSenseCdb,
  securityCdb: cdb.decodeSecurityProtocolCdb,
  loadUnloadCdb: tapeCdb.decodeLoadUnloadCdb,
  rewindCdb: tapeCdb.decodeRewindCdb,
  readWriteCdb: tapeCdb.decodeReadWrite6Cdb,
  writeFilemarksCdb: tapeCdb.decodeWriteFilemarksCdb,
  spaceCdb: tapeCdb.decodeSpace6Cdb,
  readElementStatusCdb: changerCdb.decodeReadElementStatusCdb,
  moveMediumCdb: changerCdb.decodeMoveMediumCdb,
  iesRangeCdb: changerCdb.decodeInitializeElementStatusWithRangeCdb,
};

const FIXTURES: Uint8Array[] = [pages, senseCdbs, identity].flatMap((mod) =>
  Object.values(mod).map((make) => make().bytes),
);

/** mulberry32: small, fast, good enough to spread inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function feed(name: string, decode: (b: Uint8Array) => unknown, input: Uint8Array): void {
  try {
    decode(input);
  } catch (e) {
    if (!(e instanceof DriverError) || e.code !== 'SCSI_DECODE_FAILED') {
      const hex = Buffer.from(input).toString('hex');
      expect.fail(`${name} threw ${String(e)} for ${hex}`);
    }
  }
}

describe('decoder fuzz', () => {
  const rand = prng(0x5c5105);
  const int = (n: number) => Math.floor(rand() * n);

  it('random buffers (0-300 bytes, 60 per decoder)', () => {
    for (const [name, decode] of Object.entries(DECODERS)) {
      for (let i = 0; i < 60; i++) {
        const b = Uint8Array.from({ length: int(300) }, () => int(256));
        // Give half of them a plausible first byte (opcode / page code) so parsing goes deeper.
        if (i % 2 === 0 && b.length > 0) b[0] = FIXTURES[int(FIXTURES.length)]![0]!;
        feed(name, decode, b);
      }
    }
  });

  it('every prefix of every fixture, through every decoder', () => {
    for (const [name, decode] of Object.entries(DECODERS)) {
      for (const f of FIXTURES)
        for (let n = 0; n < f.length; n += 1 + int(3)) feed(name, decode, f.subarray(0, n));
    }
  });

  it('fixtures with 1-4 random bytes changed (20 per fixture and decoder)', () => {
    for (const [name, decode] of Object.entries(DECODERS)) {
      for (const f of FIXTURES) {
        for (let i = 0; i < 20; i++) {
          const b = f.slice();
          for (let k = 1 + int(4); k > 0; k--) b[int(b.length)] = int(256);
          feed(name, decode, b);
        }
      }
    }
  });
});
