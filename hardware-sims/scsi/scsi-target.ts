import type { SenseInput } from '../../server/drivers/scsi/sense-encode.ts';
import type { DataDirection } from '../../server/drivers/scsi/scsi-transport.ts';

/**
 * What a simulated SCSI device exposes to its transports (in-process and socket): I_T nexuses
 * and commands. A nexus is one connection; per-nexus device state dies with it.
 */
export interface TargetRequest {
  cdb: Uint8Array;
  direction: DataDirection;
  dataOut: Uint8Array;
  /** The host's data-in buffer size; the transport trims `dataIn` to it. */
  allocationLength: number;
  /** 0 = the device default. */
  timeoutMs: number;
}

export interface TargetResponse {
  status: number;
  sense?: Uint8Array;
  dataIn?: Uint8Array;
  /** DID_* when the command never completed on the device (gone, timed out). */
  hostStatus?: number;
}

export interface ScsiTarget {
  openNexus(): number;
  closeNexus(nexus: number): void;
  execute(nexus: number, req: TargetRequest): Promise<TargetResponse>;
}

/** What a behavior sees of a command, plus the device's way to answer CHECK CONDITION. */
export interface CommandContext {
  nexus: number;
  opcode: number;
  req: TargetRequest;
  checkCondition(sense: SenseInput): TargetResponse;
}

/**
 * Fault injection (STYLE house rule 6): small objects with optional hooks, added per test or
 * scenario. Hooks return undefined to let the device act normally.
 */
export interface ScsiBehavior {
  /** False: the device is gone (no answer; the host sees DID_NO_CONNECT). */
  isPresent?(ctx: CommandContext): boolean | undefined;
  /** Extra milliseconds before the command runs (beyond the timeout: DID_TIME_OUT). */
  latencyMs?(ctx: CommandContext): number | undefined;
  /** A response to give instead of running the command. */
  onCommand?(ctx: CommandContext): TargetResponse | undefined;
}
