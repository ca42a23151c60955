import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveScsiTarget, type ScsiSocketServer, type ServeOptions } from '../scsi/socket-server.ts';
import type { TapeFleet } from './fleet.ts';

/** One entry of `devices.json` (reference sim-scsi-socket.md "Where sockets live"). */
export interface SimDeviceEntry {
  socket: string;
  type: 'tape' | 'changer';
  vendor: string;
  product: string;
  serial: string;
  /** Drives: the library they sit in and their data-transfer element address. */
  library?: string;
  elementAddress?: number;
}

/**
 * Serves every drive (`nst0.sock`, …) and changer (`sch0.sock`, …) of a fleet in `dir` and
 * writes `devices.json` beside them. Resolves once all sockets listen.
 */
export async function serveTapeFleet(
  fleet: TapeFleet,
  dir: string,
  opts: ServeOptions = {},
): Promise<{
  devices: SimDeviceEntry[];
  /** Closes one device's socket: to the host, the device vanished. */
  closeOne(socket: string): Promise<void>;
  close(): Promise<void>;
}> {
  const servers: ScsiSocketServer[] = [];
  const devices: SimDeviceEntry[] = [];
  try {
    for (const [i, d] of fleet.drives.entries()) {
      const socket = `nst${i}.sock`;
      servers.push(await serveScsiTarget(d, join(dir, socket), opts));
      const lib = fleet.libraries.find((l) => l.drives.includes(d));
      const entry: SimDeviceEntry = {
        socket,
        type: 'tape',
        vendor: d.model.vendor,
        product: d.model.product,
        serial: d.serial,
      };
      if (lib) {
        entry.library = lib.state.name;
        entry.elementAddress = lib.model.addressing.dataTransfer + lib.drives.indexOf(d);
      }
      devices.push(entry);
    }
    for (const [i, l] of fleet.libraries.entries()) {
      const socket = `sch${i}.sock`;
      servers.push(await serveScsiTarget(l, join(dir, socket), opts));
      devices.push({
        socket,
        type: 'changer',
        vendor: l.model.vendor,
        product: l.model.product,
        serial: l.state.serial,
        library: l.state.name,
      });
    }
    await writeFile(join(dir, 'devices.json'), `${JSON.stringify(devices, null, 2)}\n`);
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    throw e;
  }
  const bySocket = new Map(devices.map((d, i) => [d.socket, servers[i]!]));
  return {
    devices,
    closeOne: async (socket) => {
      const server = bySocket.get(socket);
      if (!server) throw new Error(`no device socket ${socket}`);
      await server.close();
    },
    close: async () => void (await Promise.all(servers.map((s) => s.close()))),
  };
}
