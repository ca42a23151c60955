import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { SCSI_STATUS } from '../../server/drivers/scsi/opcodes.ts';
import { encodeFixedSense } from '../../server/drivers/scsi/sense-encode.ts';
import { FrameSplitter, decodeRequest, encodeResponse } from '../../server/drivers/scsi/sim-socket-frame.ts';
import type { ScsiTarget, TargetResponse } from './scsi-target.ts';

export interface ScsiSocketServer {
  readonly path: string;
  /** Stops listening, drops every connection (their nexuses end) and removes the socket file. */
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Where protocol errors and emulator faults are reported. Default: console.warn. */
  log?: (message: string) => void;
}

/**
 * Exposes one emulated device as a SCSI target on a Unix socket (reference
 * sim-scsi-socket.md): one connection = one I_T nexus, requests answered in order. A malformed
 * request closes only that connection; an emulator exception is answered 4/44/00 (internal
 * target failure) so one bad command never takes the device or other connections down.
 */
export async function serveScsiTarget(
  target: ScsiTarget,
  path: string,
  opts: ServeOptions = {},
): Promise<ScsiSocketServer> {
  const log = opts.log ?? ((message: string) => console.warn(message));
  await rm(path, { force: true });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const nexus = target.openNexus();
    const splitter = new FrameSplitter();
    let chain: Promise<void> = Promise.resolve();
    const end = (why?: string) => {
      if (why) log(`${path}: closing connection: ${why}`);
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = splitter.push(chunk);
      } catch (e) {
        end((e as Error).message);
        return;
      }
      for (const frame of frames) chain = chain.then(() => answer(frame));
    });
    const answer = async (frame: Uint8Array) => {
      if (socket.destroyed) return;
      let req;
      try {
        req = decodeRequest(frame);
      } catch (e) {
        end((e as Error).message);
        return;
      }
      let res: TargetResponse;
      try {
        res = await target.execute(nexus, req);
      } catch (e) {
        log(`${path}: emulator failed: ${(e as Error).stack ?? String(e)}`);
        res = {
          status: SCSI_STATUS.CHECK_CONDITION,
          sense: encodeFixedSense({ senseKey: 4, asc: 0x44, ascq: 0 }),
        };
      }
      const dataIn = (res.dataIn ?? new Uint8Array(0)).subarray(0, req.allocationLength);
      const sense = (res.sense ?? new Uint8Array(0)).subarray(0, 252);
      const residual = req.allocationLength - dataIn.length;
      if (!socket.destroyed) {
        socket.write(
          encodeResponse({ status: res.status, hostStatus: res.hostStatus ?? 0, sense, dataIn, residual }),
        );
      }
    };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      target.closeNexus(nexus);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    path,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(path, { force: true });
    },
  };
}
