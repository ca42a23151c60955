import { DriverError } from '../core/driver-error.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { MAX_TRANSFER_BYTES, type DataDirection } from './scsi-transport.ts';

/**
 * The fixed frame format of reference sim-scsi-socket.md (version 1): magic "LWS1", a 4-byte
 * length of everything after it, then the fields. Both halves live here so the console's
 * transport and the emulator server cannot drift apart.
 */
export const FRAME_MAGIC = Uint8Array.from([0x4c, 0x57, 0x53, 0x31]);
const REQUEST_FIXED = 14;
const RESPONSE_FIXED = 11;
/** 16 MiB of data plus the largest header, CDB and sense. */
const MAX_FRAME_BODY = MAX_TRANSFER_BYTES + 512;

export interface FrameRequest {
  direction: DataDirection;
  cdb: Uint8Array;
  timeoutMs: number;
  allocationLength: number;
  dataOut: Uint8Array;
}

export interface FrameResponse {
  status: number;
  hostStatus: number;
  sense: Uint8Array;
  dataIn: Uint8Array;
  residual: number;
}

const DIRECTION_CODE: Record<DataDirection, number> = { none: 0, out: 1, in: 2 };
const DIRECTIONS: readonly DataDirection[] = ['none', 'out', 'in'];

export function encodeRequest(req: FrameRequest): Uint8Array {
  const body = REQUEST_FIXED + req.cdb.length + req.dataOut.length;
  const w = new ByteWriter(8 + body, 'frame request').set(0, FRAME_MAGIC).u32(4, body, 'LENGTH');
  w.u8(8, DIRECTION_CODE[req.direction], 'DIRECTION').u8(9, req.cdb.length, 'CDB LENGTH');
  w.u32(10, req.timeoutMs, 'TIMEOUT').u32(
    14,
    req.direction === 'in' ? req.allocationLength : 0,
    'ALLOCATION',
  );
  w.u32(18, req.dataOut.length, 'DATA-OUT LENGTH').set(22, req.cdb);
  return w.set(22 + req.cdb.length, req.dataOut).bytes;
}

/** The emulator side: a malformed request throws (and the server closes the connection). */
export function decodeRequest(frame: Uint8Array): FrameRequest {
  const r = new ByteReader(frame, 'frame request');
  const direction = DIRECTIONS[r.u8(8, 'DIRECTION')];
  if (direction === undefined) throw r.fail('DIRECTION', 8, 'is not 0, 1 or 2');
  const cdbLength = r.u8(9, 'CDB LENGTH');
  if (cdbLength < 6 || cdbLength > 16) throw r.fail('CDB LENGTH', 9, `${cdbLength} is outside 6..16`);
  const allocationLength = r.u32(14, 'ALLOCATION LENGTH');
  const dataOutLength = r.u32(18, 'DATA-OUT LENGTH');
  if (allocationLength > MAX_TRANSFER_BYTES || dataOutLength > MAX_TRANSFER_BYTES) {
    throw r.fail('data length', 14, 'exceeds 16 MiB');
  }
  if (direction !== 'in' && allocationLength !== 0)
    throw r.fail('ALLOCATION LENGTH', 14, 'is set without data-in');
  if (direction !== 'out' && dataOutLength !== 0)
    throw r.fail('DATA-OUT LENGTH', 18, 'is set without data-out');
  if (
    r.u32(4, 'LENGTH') !== REQUEST_FIXED + cdbLength + dataOutLength ||
    frame.length !== 22 + cdbLength + dataOutLength
  ) {
    throw r.fail('LENGTH', 4, 'disagrees with the CDB and data-out lengths');
  }
  return {
    direction,
    cdb: r.slice(22, cdbLength, 'CDB'),
    timeoutMs: r.u32(10, 'TIMEOUT'),
    allocationLength,
    dataOut: r.slice(22 + cdbLength, dataOutLength, 'DATA-OUT'),
  };
}

export function encodeResponse(res: FrameResponse): Uint8Array {
  const body = RESPONSE_FIXED + res.sense.length + res.dataIn.length;
  const w = new ByteWriter(8 + body, 'frame response').set(0, FRAME_MAGIC).u32(4, body, 'LENGTH');
  w.u8(8, res.status, 'STATUS').u8(9, res.hostStatus, 'HOST STATUS').u8(10, res.sense.length, 'SENSE LENGTH');
  w.u32(11, res.dataIn.length, 'DATA-IN LENGTH').u32(15, res.residual, 'RESIDUAL').set(19, res.sense);
  return w.set(19 + res.sense.length, res.dataIn).bytes;
}

export function decodeResponse(frame: Uint8Array): FrameResponse {
  const r = new ByteReader(frame, 'frame response');
  const senseLength = r.u8(10, 'SENSE LENGTH');
  const dataLength = r.u32(11, 'DATA-IN LENGTH');
  if (senseLength > 252) throw r.fail('SENSE LENGTH', 10, `${senseLength} exceeds 252`);
  if (
    r.u32(4, 'LENGTH') !== RESPONSE_FIXED + senseLength + dataLength ||
    frame.length !== 19 + senseLength + dataLength
  ) {
    throw r.fail('LENGTH', 4, 'disagrees with the sense and data-in lengths');
  }
  return {
    status: r.u8(8, 'STATUS'),
    hostStatus: r.u8(9, 'HOST STATUS'),
    sense: r.slice(19, senseLength, 'SENSE'),
    dataIn: r.slice(19 + senseLength, dataLength, 'DATA-IN'),
    residual: r.u32(15, 'RESIDUAL'),
  };
}

/**
 * Cuts a byte stream into whole frames (magic + length + body). Throws `SCSI_DECODE_FAILED` on a
 * bad magic or an absurd length: the stream cannot be resynchronised, so the connection must go.
 */
export class FrameSplitter {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Uint8Array[] {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
    const frames: Uint8Array[] = [];
    while (this.#buffer.length >= 8) {
      if (!this.#buffer.subarray(0, 4).equals(FRAME_MAGIC)) throw badFrame('bad magic');
      const body = this.#buffer.readUInt32BE(4);
      if (body > MAX_FRAME_BODY) throw badFrame(`length ${body} exceeds 16 MiB`);
      if (this.#buffer.length < 8 + body) break;
      frames.push(new Uint8Array(this.#buffer.subarray(0, 8 + body)));
      this.#buffer = this.#buffer.subarray(8 + body);
    }
    return frames;
  }

  get pendingBytes(): number {
    return this.#buffer.length;
  }
}

function badFrame(problem: string): DriverError {
  return new DriverError('SCSI_DECODE_FAILED', `socket frame: ${problem}`, {
    detail: { what: 'frame', problem },
  });
}
