import type { DataDirection } from './scsi-transport.ts';

/** Messages between SgIoTransport and its worker thread. */
export interface SgIoWorkerInit {
  devicePath: string;
  /** Sense buffer size (mx_sb_len); 252 is the SPC-5 maximum stenc 2.0 uses. */
  senseBufferSize: number;
}

export interface SgIoExec {
  id: number;
  cdb: Uint8Array;
  direction: DataDirection;
  dataOut?: Uint8Array;
  allocationLength: number;
  timeoutMs: number;
}

export type SgIoReply =
  | {
      id: number;
      ok: true;
      status: number;
      hostStatus: number;
      driverStatus: number;
      sense: Uint8Array;
      dataIn: Uint8Array;
      residual: number;
      durationMs: number;
    }
  | { id: number; ok: false; errno: number; call: 'open' | 'ioctl' | 'load'; message: string };
