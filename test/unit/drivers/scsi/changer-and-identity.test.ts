import { describe, expect, it } from 'vitest';
import {
  decodeElementAddressPage,
  elementTypeOf,
  encodeElementAddressPage,
} from '../../../../server/drivers/library/element-address-page.ts';
import { decodeElementStatus, identifierText } from '../../../../server/drivers/library/element-status.ts';
import { encodeElementStatus } from '../../../../server/drivers/library/element-status-encode.ts';
import {
  decodeDeviceIdentificationVpd,
  decodeInquiry,
  decodeUnitSerialVpd,
  designatorText,
  encodeDeviceIdentificationVpd,
  encodeInquiry,
  encodeUnitSerialVpd,
} from '../../../../server/drivers/scsi/inquiry.ts';
import { decodeModeParameters, encodeModeParameters } from '../../../../server/drivers/scsi/mode-data.ts';
import { bytes, expectBytes } from '../../../fixtures/scsi/byte-builder.ts';
import * as F from '../../../fixtures/scsi/changer-and-identity.ts';

describe('element address assignment (MODE page 0x1D)', () => {
  it('the STK L80 page inside MODE SENSE(6) data, both ways', () => {
    const page = F.elementAddressPageL80();
    const data = bytes()
      .u8(3 + page.length, 'MODE DATA LENGTH')
      .u8(0, 'MEDIUM TYPE')
      .u8(0, 'DSP')
      .u8(0, 'BLOCK DESCRIPTOR LENGTH');
    data.raw(page.bytes, 'page 0x1D');
    const mode = decodeModeParameters(data.bytes, 6);
    expect(mode.pages).toHaveLength(1);
    const a = decodeElementAddressPage(mode.pages[0]!.data);
    expect(a).toEqual({
      transport: { first: 1, count: 1 },
      storage: { first: 1000, count: 40 },
      importExport: { first: 10, count: 4 },
      dataTransfer: { first: 500, count: 4 },
    });
    expect([1, 1039, 13, 503, 504].map((x) => elementTypeOf(a, x))).toEqual([1, 2, 3, 4, undefined]);
    const encoded = encodeModeParameters(
      {
        mediumType: 0,
        deviceSpecific: 0,
        blockDescriptors: [],
        pages: [{ page: 0x1d, parametersSaveable: false, data: encodeElementAddressPage(a) }],
      },
      6,
    );
    expectBytes(encoded, data);
  });

  it('a tape block descriptor gives the density code; WP is bit 7', () => {
    const data = bytes()
      .u16(14, 'MODE DATA LENGTH')
      .u8(0x88, 'MEDIUM TYPE LTO-8 data ⚠ vendor value')
      .u8(0x80, 'DEVICE-SPECIFIC WP')
      .zeros(2, 'reserved')
      .u16(8, 'BLOCK DESCRIPTOR LENGTH')
      .u8(0x5e, 'DENSITY CODE LTO-8')
      .u24(0, 'NUMBER OF BLOCKS')
      .u8(0, 'reserved')
      .u24(0, 'BLOCK LENGTH variable');
    const mode = decodeModeParameters(data.bytes, 10);
    expect(mode).toMatchObject({
      writeProtected: true,
      blockDescriptors: [{ densityCode: 0x5e, blockLength: 0 }],
    });
    expectBytes(encodeModeParameters(mode, 10), data);
  });

  it('a block descriptor length that is not a multiple of 8 fails', () => {
    expect(() => decodeModeParameters(Uint8Array.from([7, 0, 0, 5, 0, 0, 0, 0]), 6)).toThrow(
      /not a multiple of 8/,
    );
  });
});

describe('READ ELEMENT STATUS data', () => {
  it('the STK L80 drive page: DVCID type 1 identifiers, 50-byte descriptors', () => {
    const r = decodeElementStatus(F.elementStatusL80Drives().bytes);
    expect(r).toMatchObject({ firstElementAddress: 500, numberOfElementsAvailable: 4, truncated: false });
    const [page] = r.pages;
    expect(page).toMatchObject({ elementType: 4, pvoltag: false, descriptorLength: 50 });
    expect(page!.elements.map((e) => [e.address, e.access, e.full])).toEqual([
      [500, true, false],
      [501, true, false],
      [502, true, false],
      [503, true, false],
    ]);
    const id = page!.elements[1]!.identifier!;
    expect(id).toMatchObject({ codeSet: 2, identifierType: 1 });
    expect(identifierText(id)).toBe('STK     T10000B         XYZZY_B2');
    expectBytes(encodeElementStatus(r.pages, 0xffff), F.elementStatusL80Drives());
  });

  it('slots with VOLTAG: barcode, medium type, empty slot', () => {
    const r = decodeElementStatus(F.elementStatusSlotsVoltag().bytes);
    const els = r.pages[0]!.elements;
    expect(els.map((e) => [e.address, e.full, e.mediumType, e.primaryVolumeTag?.identifier])).toEqual([
      [1000, true, 1, 'A00001L9'],
      [1001, true, 2, 'CLN001L1'],
      [1002, false, 0, ''],
    ]);
    expect(els[0]!.identifier).toBeUndefined();
    expectBytes(encodeElementStatus(r.pages, 0xffff), F.elementStatusSlotsVoltag());
  });

  it("I/E ports: IMPEXP, INENAB/EXENAB, and mhvtl's space-filled volume tag", () => {
    const [placed, empty] = decodeElementStatus(F.elementStatusImportExportMhvtl().bytes).pages[0]!.elements;
    expect(placed).toMatchObject({
      address: 10,
      full: true,
      impExp: true,
      inEnab: true,
      exEnab: true,
      access: true,
    });
    expect(placed!.primaryVolumeTag).toEqual({ identifier: 'N00042L9', sequenceNumber: 0 });
    expect(empty).toMatchObject({ address: 11, full: false, impExp: false, inEnab: true });
    expect(empty!.primaryVolumeTag).toEqual({ identifier: '', sequenceNumber: 0 });
  });

  it('an allocation length that cuts the report keeps whole descriptors and says so', () => {
    const full = F.elementStatusL80Drives().bytes;
    const r = decodeElementStatus(full.subarray(0, 8 + 8 + 50 + 20));
    expect(r).toMatchObject({ truncated: true, byteCountAvailable: 208 });
    expect(r.pages[0]!.elements).toHaveLength(1);
    const pages = decodeElementStatus(full).pages;
    expect(encodeElementStatus(pages, 8 + 8 + 50 + 20)).toEqual(full.subarray(0, 8 + 8 + 50));
    expect(decodeElementStatus(full.subarray(0, 8))).toMatchObject({ pages: [], truncated: true });
  });

  it('inconsistent lengths fail naming the field', () => {
    const bad = F.elementStatusL80Drives().bytes;
    bad[11] = 0x33; // descriptor length 51 does not divide 200
    expect(() => decodeElementStatus(bad)).toThrow(
      /BYTE COUNT OF DESCRIPTOR DATA AVAILABLE .* not a multiple of 51/,
    );
    const id = F.elementStatusL80Drives().bytes;
    id[16 + 15] = 0x30; // IDENTIFIER LENGTH 48 in a 50-byte descriptor
    expect(() => decodeElementStatus(id)).toThrow(
      /IDENTIFIER LENGTH \(byte 31\) 48 runs past the descriptor/,
    );
  });
});

describe('INQUIRY and VPD', () => {
  it('standard data of an IBM ULT3580-TD8', () => {
    const d = decodeInquiry(F.inquiryIbmTd8().bytes);
    expect(d).toMatchObject({ deviceType: 1, removable: true, version: 6, hiSup: true, cmdQue: true });
    expect([d.vendor, d.product, d.revision]).toEqual(['IBM', 'ULT3580-TD8', 'Q3A0']);
    expectBytes(encodeInquiry(d), F.inquiryIbmTd8());
    expect(() => decodeInquiry(F.inquiryIbmTd8().bytes.subarray(0, 30))).toThrow(
      /REVISION \(byte 0\) is truncated/,
    );
  });

  it('VPD 0x80 serial and 0x83 designators', () => {
    expect(decodeUnitSerialVpd(F.vpdSerialIbm().bytes)).toEqual({ deviceType: 1, serial: '1097000123' });
    expectBytes(encodeUnitSerialVpd(1, '1097000123'), F.vpdSerialIbm());
    const { designators } = decodeDeviceIdentificationVpd(F.vpdDeviceIdIbm().bytes);
    expect(designators.map((d) => [d.designatorType, d.codeSet, d.designator.length])).toEqual([
      [1, 2, 34],
      [3, 1, 8],
    ]);
    expect(designatorText(designators[0]!)).toBe('IBM     ULT3580-TD8     1097000123');
    expectBytes(encodeDeviceIdentificationVpd(1, designators), F.vpdDeviceIdIbm());
    expect(() => decodeUnitSerialVpd(F.vpdDeviceIdIbm().bytes)).toThrow(
      /PAGE CODE \(byte 1\) is 0x83, expected 0x80/,
    );
  });
});
