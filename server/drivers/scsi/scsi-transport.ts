import { DriverError } from '../core/driver-error.ts';

/**
 * The SCSI seam (ARCHITECTURE.md §3, STYLE §3.3): one command in, the result half of Linux's
 * `sg_io_hdr` out. A transport NEVER interprets sense or status — CHECK CONDITION is a normal
 * result and the driver decides what it means — so the emulators, the socket and SG_IO share
 * every line of policy code above it.
 *
 * `execute` rejects only when the command did not reach the device or no answer came back:
 * - `SCSI_INVALID_ARGUMENT` — the command is malformed (CDB length, direction vs data);
 *   nothing was sent.
 * - `SCSI_TRANSPORT_FAILED` — the device node or socket is gone, refused, or reset mid-command
 *   (`detail.errno` where there is one). Retryable: a later call reconnects.
 * - `SCSI_CLOSED` — after `close()`; `SCSI_ABORTED` — `opts.signal` fired (the command may
 *   still have run on the device).
 * A device that answers but reports a transport-level failure (`hostStatus` DID_TIME_OUT,
 * DID_NO_CONNECT) RESOLVES with that host status, as SG_IO does.
 *
 * One command is outstanding per transport at a time; further calls queue in order. A transport
 * is one I_T nexus: per-nexus device state (LOCAL encryption scope, LOCK, unit attentions) is
 * tied to it, and a reconnect is a new nexus.
 */
export interface ScsiTransport {
  execute(cmd: ScsiCommand, opts?: ScsiCallOptions): Promise<ScsiResult>;
  /** Fails queued and in-flight commands with `SCSI_CLOSED` and releases the device. Idempotent. */
  close(): Promise<void>;
}

export type DataDirection = 'none' | 'in' | 'out';

export interface ScsiCommand {
  cdb: Uint8Array;
  direction: DataDirection;
  /** Required for 'out'; the device receives exactly these bytes. */
  dataOut?: Uint8Array;
  /** Required for 'in': the size of the data-in buffer. */
  allocationLength?: number;
  /** The device-side command timeout (SG_IO `timeout`). */
  timeoutMs: number;
}

export interface ScsiResult {
  /** SCSI status: 0x00 GOOD, 0x02 CHECK CONDITION, 0x08 BUSY, 0x18 RESERVATION CONFLICT. */
  status: number;
  /** Sense bytes exactly as the device returned them (present with CHECK CONDITION). */
  sense?: Uint8Array;
  dataIn: Uint8Array;
  /** allocationLength − bytes actually transferred. */
  residual: number;
  durationMs: number;
  /** Linux DID_*: 0 OK, 0x01 NO_CONNECT, 0x03 TIME_OUT, 0x07 ERROR. */
  hostStatus: number;
  /** Linux DRIVER_*: 0x08 DRIVER_SENSE when sense is present. */
  driverStatus: number;
}

export interface ScsiCallOptions {
  signal?: AbortSignal;
}

export const HOST_STATUS = { OK: 0x00, NO_CONNECT: 0x01, TIME_OUT: 0x03, ERROR: 0x07 } as const;
export const DRIVER_SENSE = 0x08;
/** The frame format's and SG_IO's practical ceiling for one transfer. */
export const MAX_TRANSFER_BYTES = 16 * 1024 * 1024;

/** Checks a command before anything is sent; shared by every transport. */
export function validateCommand(cmd: ScsiCommand): void {
  const bad = (problem: string) =>
    new DriverError('SCSI_INVALID_ARGUMENT', `SCSI command: ${problem}`, { detail: { problem } });
  if (cmd.cdb.length < 6 || cmd.cdb.length > 16) throw bad(`CDB length ${cmd.cdb.length} is outside 6..16`);
  if (!Number.isInteger(cmd.timeoutMs) || cmd.timeoutMs < 0)
    throw bad('timeoutMs must be a non-negative integer');
  if (cmd.direction === 'out' && cmd.dataOut === undefined) throw bad("direction 'out' needs dataOut");
  if (cmd.direction !== 'out' && cmd.dataOut !== undefined)
    throw bad(`direction '${cmd.direction}' takes no dataOut`);
  if (cmd.direction === 'in') {
    const n = cmd.allocationLength;
    if (n === undefined || !Number.isInteger(n) || n < 0)
      throw bad("direction 'in' needs an allocationLength");
    if (n > MAX_TRANSFER_BYTES) throw bad(`allocationLength ${n} exceeds 16 MiB`);
  }
  if ((cmd.dataOut?.length ?? 0) > MAX_TRANSFER_BYTES) throw bad('dataOut exceeds 16 MiB');
}

export function closedError(): DriverError {
  return new DriverError('SCSI_CLOSED');
}

export function abortedError(): DriverError {
  return new DriverError('SCSI_ABORTED');
}
