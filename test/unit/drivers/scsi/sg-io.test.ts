import { describe, expect, it } from 'vitest';
import { inquiryCdb } from '../../../../server/drivers/scsi/cdb.ts';
import { packSgIoHeader, unpackSgIoHeader } from '../../../../server/drivers/scsi/sg-io-header.ts';
import { SgIoTransport } from '../../../../server/drivers/scsi/sg-io-transport.ts';
import { bytes, expectBytes } from '../../../fixtures/scsi/byte-builder.ts';

/** sg_io_hdr layout (reference §7.4, x86_64/arm64 little-endian) and SG_IO failure paths. */
const le32 = (n: number) => Buffer.from(Uint32Array.of(n >>> 0).buffer);
const le64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};

describe('sg_io_hdr', () => {
  it('packs a data-in INQUIRY at the measured offsets (88 bytes)', () => {
    const h = packSgIoHeader({
      direction: -3,
      cmdLen: 6,
      mxSbLen: 252,
      dxferLen: 96,
      dxferp: 0x1000n,
      cmdp: 0x2000n,
      sbp: 0x3000n,
      timeout: 60_000,
    });
    const fixture = bytes()
      .raw(le32(0x53), 'interface_id S')
      .raw(le32(-3), 'dxfer_direction SG_DXFER_FROM_DEV')
      .u8(6, 'cmd_len')
      .u8(252, 'mx_sb_len')
      .zeros(2, 'iovec_count')
      .raw(le32(96), 'dxfer_len')
      .raw(le64(0x1000n), 'dxferp')
      .raw(le64(0x2000n), 'cmdp')
      .raw(le64(0x3000n), 'sbp')
      .raw(le32(60_000), 'timeout')
      .zeros(4, 'flags')
      .zeros(4, 'pack_id')
      .zeros(4, 'padding')
      .zeros(8, 'usr_ptr')
      .zeros(24, 'status … info, padding (outputs)');
    expectBytes(h, fixture);
  });

  it('reads the result fields back', () => {
    const h = Buffer.alloc(88);
    h.writeUInt8(0x02, 64);
    h.writeUInt8(0x01, 65);
    h.writeUInt8(18, 67);
    h.writeUInt16LE(0, 68);
    h.writeUInt16LE(0x08, 70);
    h.writeInt32LE(60, 72);
    h.writeUInt32LE(7, 76);
    h.writeUInt32LE(1, 80);
    expect(unpackSgIoHeader(h)).toEqual({
      status: 2,
      maskedStatus: 1,
      sbLenWr: 18,
      hostStatus: 0,
      driverStatus: 8,
      resid: 60,
      duration: 7,
      info: 1,
    });
  });
});

describe('SgIoTransport (koffi in a worker)', () => {
  const inquiry = {
    cdb: inquiryCdb({ evpd: false, page: 0, allocationLength: 96 }),
    direction: 'in' as const,
    allocationLength: 96,
    timeoutMs: 1000,
  };

  it('a device node that does not exist: SCSI_TRANSPORT_FAILED ENOENT from open', async () => {
    const t = new SgIoTransport({ devicePath: '/dev/lockwarden-no-such-sg' });
    try {
      await expect(t.execute(inquiry)).rejects.toMatchObject({
        code: 'SCSI_TRANSPORT_FAILED',
        detail: { errno: 'ENOENT', call: 'open' },
      });
    } finally {
      await t.close();
    }
  });

  it('a node that is not a SCSI device: SCSI_TRANSPORT_FAILED ENOTTY from the ioctl; then SCSI_CLOSED', async () => {
    const t = new SgIoTransport({ devicePath: '/dev/null' });
    await expect(t.execute(inquiry)).rejects.toMatchObject({
      code: 'SCSI_TRANSPORT_FAILED',
      detail: { errno: 'ENOTTY', call: 'ioctl' },
    });
    await t.close();
    await expect(t.execute(inquiry)).rejects.toMatchObject({ code: 'SCSI_CLOSED' });
  });
});
