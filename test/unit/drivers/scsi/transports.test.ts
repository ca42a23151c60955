import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyNext, dropOff, failNext, latency } from '../../../../hardware-sims/scsi/behaviors.ts';
import { EmulatedDevice } from '../../../../hardware-sims/scsi/emulated-device.ts';
import { EmulatedScsiTransport } from '../../../../hardware-sims/scsi/emulated-transport.ts';
import type { TargetRequest, TargetResponse } from '../../../../hardware-sims/scsi/scsi-target.ts';
import { serveScsiTarget, type ScsiSocketServer } from '../../../../hardware-sims/scsi/socket-server.ts';
import { isDriverError } from '../../../../server/drivers/core/driver-error.ts';
import { inquiryCdb, testUnitReadyCdb } from '../../../../server/drivers/scsi/cdb.ts';
import { decodeSense } from '../../../../server/drivers/scsi/sense.ts';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../../../server/drivers/scsi/sim-socket-frame.ts';
import { SimSocketTransport } from '../../../../server/drivers/scsi/sim-socket-transport.ts';
import type { ScsiTransport } from '../../../../server/drivers/scsi/scsi-transport.ts';
import { bytes, expectBytes, hex } from '../../../fixtures/scsi/byte-builder.ts';

/** A device that answers INQUIRY with 40 bytes and TEST UNIT READY with GOOD. */
class TinyDevice extends EmulatedDevice {
  protected handle(_nexus: number, req: TargetRequest): TargetResponse {
    if (req.cdb[0] === 0x12) return this.good(Uint8Array.from({ length: 40 }, (_, i) => i));
    if (req.cdb[0] === 0x00) return this.good();
    return this.checkCondition({ senseKey: 5, asc: 0x20, ascq: 0 });
  }
}

const inquiry = {
  cdb: inquiryCdb({ evpd: false, page: 0, allocationLength: 96 }),
  direction: 'in' as const,
  allocationLength: 96,
  timeoutMs: 1000,
};
const tur = { cdb: testUnitReadyCdb(), direction: 'none' as const, timeoutMs: 1000 };

describe('socket frame format', () => {
  it('a request: INQUIRY, data-in 96', () => {
    const fixture = bytes()
      .hex('4c 57 53 31', 'magic LWS1')
      .u32(20, 'LENGTH (14 + 6)')
      .u8(2, 'DIRECTION data-in')
      .u8(6, 'CDB LENGTH')
      .u32(1000, 'TIMEOUT ms')
      .u32(96, 'ALLOCATION LENGTH')
      .u32(0, 'DATA-OUT LENGTH')
      .hex('12 00 00 00 60 00', 'CDB');
    const req = {
      direction: 'in' as const,
      cdb: inquiry.cdb,
      timeoutMs: 1000,
      allocationLength: 96,
      dataOut: new Uint8Array(0),
    };
    expectBytes(encodeRequest(req), fixture);
    expect(decodeRequest(fixture.bytes)).toEqual(req);
  });

  it('a response: CHECK CONDITION with 18 sense bytes and no data', () => {
    const sense = hex('70 00 07 00 00 00 00 0a 00 00 00 00 74 03 00 00 00 00');
    const fixture = bytes()
      .hex('4c 57 53 31', 'magic')
      .u32(11 + 18, 'LENGTH')
      .u8(0x02, 'STATUS CHECK CONDITION')
      .u8(0x00, 'HOST STATUS OK')
      .u8(18, 'SENSE LENGTH')
      .u32(0, 'DATA-IN LENGTH')
      .u32(96, 'RESIDUAL')
      .raw(sense, 'SENSE');
    const res = { status: 2, hostStatus: 0, sense, dataIn: new Uint8Array(0), residual: 96 };
    expectBytes(encodeResponse(res), fixture);
    expect(decodeResponse(fixture.bytes)).toEqual(res);
  });

  it('malformed requests are refused: CDB length, lengths that disagree, data-out without direction', () => {
    const good = encodeRequest({
      direction: 'none',
      cdb: tur.cdb,
      timeoutMs: 0,
      allocationLength: 0,
      dataOut: new Uint8Array(0),
    });
    const shortCdb = good.slice();
    shortCdb[9] = 5;
    expect(() => decodeRequest(shortCdb)).toThrow(/CDB LENGTH \(byte 9\) 5 is outside/);
    const lying = good.slice();
    lying[7] = 30;
    expect(() => decodeRequest(lying)).toThrow(/LENGTH \(byte 4\) disagrees/);
    const stray = good.slice();
    stray[21] = 1;
    expect(() => decodeRequest(stray)).toThrow(/DATA-OUT LENGTH \(byte 18\) is set without data-out/);
  });
});

function describeTransport(
  name: string,
  make: (d: TinyDevice) => Promise<{ t: ScsiTransport; done(): Promise<void> }>,
) {
  describe(name, () => {
    it('reports the power-on UNIT ATTENTION once, then answers; trims data to the allocation length', async () => {
      const d = new TinyDevice();
      const { t, done } = await make(d);
      try {
        const first = await t.execute(tur);
        expect(first.status).toBe(2);
        expect(decodeSense(first.sense!)).toMatchObject({ senseKey: 6, asc: 0x29 });
        expect(first.driverStatus).toBe(0x08);
        expect((await t.execute(tur)).status).toBe(0);
        const res = await t.execute({ ...inquiry, allocationLength: 36 });
        expect(res).toMatchObject({ status: 0, residual: 0, hostStatus: 0 });
        expect(res.dataIn).toHaveLength(36);
        expect((await t.execute(inquiry)).residual).toBe(96 - 40);
      } finally {
        await done();
      }
    });

    it('faults: CHECK CONDITION passes through uninterpreted, BUSY, drop-off, latency past the timeout', async () => {
      const d = new TinyDevice();
      const { t, done } = await make(d);
      try {
        await t.execute(tur);
        d.addBehavior(failNext({ senseKey: 2, asc: 4, ascq: 1 }, { opcode: 0x00 }));
        const nr = await t.execute(tur);
        expect(decodeSense(nr.sense!)).toMatchObject({ senseKey: 2, asc: 4, ascq: 1 });
        d.addBehavior(busyNext());
        expect((await t.execute(tur)).status).toBe(0x08);
        const off = d.addBehavior(dropOff());
        expect((await t.execute(tur)).hostStatus).toBe(0x01);
        off();
        d.addBehavior(latency(200));
        expect((await t.execute({ ...tur, timeoutMs: 20 })).hostStatus).toBe(0x03);
      } finally {
        await done();
      }
    });

    it('rejects a malformed command before sending, and everything after close()', async () => {
      const { t, done } = await make(new TinyDevice());
      await expect(t.execute({ ...tur, cdb: new Uint8Array(4) })).rejects.toMatchObject({
        code: 'SCSI_INVALID_ARGUMENT',
      });
      await done();
      await expect(t.execute(tur)).rejects.toMatchObject({ code: 'SCSI_CLOSED' });
    });
  });
}

describeTransport('EmulatedScsiTransport', (d) => {
  const t = new EmulatedScsiTransport(d);
  return Promise.resolve({ t, done: () => t.close() });
});

describe('SimSocketTransport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-scsi-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  let n = 0;
  const serve = async (d: TinyDevice) => {
    const path = join(dir, `dev${n++}.sock`);
    const server = await serveScsiTarget(d, path, { log: () => undefined });
    return { server, path };
  };

  describeTransport('over a socket', async (d) => {
    const { server, path } = await serve(d);
    const t = new SimSocketTransport({ path });
    return { t, done: async () => (await t.close(), await server.close()) };
  });

  it('a vanished socket fails the command with a retryable SCSI_TRANSPORT_FAILED; a new server is a new nexus', async () => {
    const d = new TinyDevice();
    const { server, path } = await serve(d);
    const t = new SimSocketTransport({ path, connectTimeoutMs: 500 });
    let restarted: ScsiSocketServer | undefined;
    try {
      await t.execute(tur);
      expect((await t.execute(tur)).status).toBe(0);
      await server.close();
      const err = await t.execute(tur).catch((e: unknown) => e);
      expect(isDriverError(err, 'SCSI_TRANSPORT_FAILED')).toBe(true);
      expect((err as { retryable: boolean }).retryable).toBe(true);
      restarted = await serveScsiTarget(d, path);
      const again = await t.execute(tur);
      expect(decodeSense(again.sense!)).toMatchObject({ asc: 0x29 }); // reconnect = new I_T nexus
    } finally {
      await t.close();
      await restarted?.close();
    }
  });

  it('a malformed frame closes only that connection; the device keeps serving others', async () => {
    const { server, path } = await serve(new TinyDevice());
    const t = new SimSocketTransport({ path });
    try {
      const raw = createConnection({ path });
      await new Promise((r) => raw.once('connect', r));
      const closed = new Promise((r) => raw.once('close', r));
      raw.write(hex('4c 57 53 32 00 00 00 00'));
      await closed;
      await t.execute(tur);
      expect((await t.execute(tur)).status).toBe(0);
    } finally {
      await t.close();
      await server.close();
    }
  });
});
