/**
 * Linux `struct sg_io_hdr` (interface 'S', version 3) as raw bytes, for LP64 little-endian
 * (x86_64, arm64): offsets measured with offsetof in reference lto-scsi.md §7.4. Pure, so the
 * layout is tested without a device.
 */
export const SG_IO = 0x2285;
export const SG_HEADER_SIZE = 88;
export const SG_DXFER = { NONE: -1, TO_DEV: -2, FROM_DEV: -3 } as const;

export interface SgIoRequestHeader {
  direction: number;
  cmdLen: number;
  mxSbLen: number;
  dxferLen: number;
  /** Addresses of the data, CDB and sense buffers (koffi.address). */
  dxferp: bigint;
  cmdp: bigint;
  sbp: bigint;
  /** Milliseconds; 0 = the driver's default. */
  timeout: number;
}

export interface SgIoResultFields {
  status: number;
  maskedStatus: number;
  sbLenWr: number;
  hostStatus: number;
  driverStatus: number;
  resid: number;
  duration: number;
  info: number;
}

export function packSgIoHeader(h: SgIoRequestHeader): Buffer {
  const b = Buffer.alloc(SG_HEADER_SIZE);
  b.writeInt32LE(0x53, 0); // interface_id 'S'
  b.writeInt32LE(h.direction, 4);
  b.writeUInt8(h.cmdLen, 8);
  b.writeUInt8(h.mxSbLen, 9);
  b.writeUInt16LE(0, 10); // iovec_count
  b.writeUInt32LE(h.dxferLen, 12);
  b.writeBigUInt64LE(h.dxferp, 16);
  b.writeBigUInt64LE(h.cmdp, 24);
  b.writeBigUInt64LE(h.sbp, 32);
  b.writeUInt32LE(h.timeout, 40);
  b.writeUInt32LE(0, 44); // flags
  b.writeInt32LE(0, 48); // pack_id
  b.writeBigUInt64LE(0n, 56); // usr_ptr
  return b;
}

export function unpackSgIoHeader(b: Buffer): SgIoResultFields {
  return {
    status: b.readUInt8(64),
    maskedStatus: b.readUInt8(65),
    sbLenWr: b.readUInt8(67),
    hostStatus: b.readUInt16LE(68),
    driverStatus: b.readUInt16LE(70),
    resid: b.readInt32LE(72),
    duration: b.readUInt32LE(76),
    info: b.readUInt32LE(80),
  };
}
