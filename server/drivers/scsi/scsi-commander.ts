import { setTimeout as sleep } from 'node:timers/promises';
import { DriverError } from '../core/driver-error.ts';
import { OPCODE, SCSI_STATUS, opcodeName } from './opcodes.ts';
import { decodeSense, SENSE_KEY, type SenseData } from './sense.ts';
import { isBecomingReady, senseError } from './sense-errors.ts';
import { HOST_STATUS, type ScsiCommand, type ScsiResult, type ScsiTransport } from './scsi-transport.ts';

/** Trailing options of every driver call (STYLE §3.2). */
export interface CallOptions {
  signal?: AbortSignal;
  /** Deadline for the whole call, retries and waits included. */
  timeoutMs?: number;
}

/** How the shared retry rules behave (reference Appendix C "Set a key", §4.4). */
export interface RetryPolicy {
  /** UNIT ATTENTIONs (6/28/00, 6/29/00, …) re-tried per command. Default 4. */
  unitAttentionRetries: number;
  /** How long 2/04/01 "becoming ready" is waited out. Default 120 s. */
  notReadyWaitMs: number;
  notReadyPollMs: number;
  /** BUSY answers re-tried, `busyDelayMs` apart. Default 3 × 200 ms. */
  busyRetries: number;
  busyDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  unitAttentionRetries: 4,
  notReadyWaitMs: 120_000,
  notReadyPollMs: 500,
  busyRetries: 3,
  busyDelayMs: 200,
};

/** Device-side command timeouts, IBM's LTO-8 table via LTFS (reference §5.5), in ms. */
const TIMEOUTS = new Map<number, number>([
  [OPCODE.LOAD_UNLOAD, 960_000],
  [OPCODE.REWIND, 600_000],
  [OPCODE.READ_6, 2_280_000],
  [OPCODE.WRITE_6, 1_500_000],
  [OPCODE.WRITE_FILEMARKS_6, 1_620_000],
  [OPCODE.SPACE_6, 2_880_000],
  [OPCODE.MOVE_MEDIUM, 900_000],
  [OPCODE.INITIALIZE_ELEMENT_STATUS, 3_600_000],
]);
const DEFAULT_TIMEOUT = 60_000;

export interface RunOptions {
  /** Retry this UNIT ATTENTION? Default: yes for all. Encryption-changed UAs are refused on data commands. */
  retryUnitAttention?: (s: SenseData) => boolean;
  /** Wait out 2/04/01. Default true. */
  waitNotReady?: boolean;
  /** A CHECK CONDITION this command treats as an answer (READ's filemark/ILI), not an error. */
  acceptSense?: (s: SenseData) => boolean;
}

export interface RunResult {
  result: ScsiResult;
  /** Decoded sense of an accepted CHECK CONDITION. */
  sense?: SenseData;
}

/**
 * Runs commands through a transport with the retry rules every SCSI driver shares, and turns
 * anything that is not an answer into a DriverError with the decoded sense. Unit attentions
 * seen on the way are reported to `onUnitAttention` (a driver tracks 2A/11, 28/00 …).
 */
export class ScsiCommander {
  constructor(
    readonly transport: ScsiTransport,
    readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    readonly onUnitAttention: (s: SenseData) => void = () => undefined,
  ) {}

  async run(
    cmd: Omit<ScsiCommand, 'timeoutMs'>,
    opts: CallOptions = {},
    run: RunOptions = {},
  ): Promise<RunResult> {
    const opcode = cmd.cdb[0] ?? 0;
    const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
    let unitAttentions = 0;
    let busy = 0;
    const notReadyUntil = Date.now() + this.policy.notReadyWaitMs;
    for (;;) {
      if (opts.signal?.aborted) throw new DriverError('SCSI_ABORTED');
      const left = deadline - Date.now();
      if (left <= 0) throw timeout(opcode);
      const timeoutMs = Math.min(TIMEOUTS.get(opcode) ?? DEFAULT_TIMEOUT, left);
      const result = await this.transport.execute(
        { ...cmd, timeoutMs },
        opts.signal ? { signal: opts.signal } : {},
      );
      if (result.hostStatus === HOST_STATUS.TIME_OUT) throw timeout(opcode);
      if (result.hostStatus !== HOST_STATUS.OK) throw transport(opcode, result.hostStatus);
      if (result.status === SCSI_STATUS.GOOD) return { result };
      if (result.status === SCSI_STATUS.BUSY && busy++ < this.policy.busyRetries) {
        await this.#pause(this.policy.busyDelayMs, deadline, opts.signal);
        continue;
      }
      if (result.status === SCSI_STATUS.BUSY)
        throw new DriverError('SCSI_BUSY', `${opcodeName(opcode)}: BUSY`, { retryable: true });
      if (result.status === SCSI_STATUS.RESERVATION_CONFLICT)
        throw new DriverError('SCSI_RESERVATION_CONFLICT');
      if (result.status !== SCSI_STATUS.CHECK_CONDITION || !result.sense) {
        throw new DriverError(
          'SCSI_CHECK_CONDITION',
          `${opcodeName(opcode)}: status 0x${result.status.toString(16)} without sense`,
          {
            detail: { opcode, status: result.status },
          },
        );
      }
      const sense = decodeSenseFor(opcode, result.sense);
      if (run.acceptSense?.(sense)) return { result, sense };
      if (sense.senseKey === SENSE_KEY.UNIT_ATTENTION) {
        this.onUnitAttention(sense);
        const retry = run.retryUnitAttention?.(sense) ?? true;
        if (retry && unitAttentions++ < this.policy.unitAttentionRetries) continue;
      }
      if (isBecomingReady(sense) && run.waitNotReady !== false && Date.now() < notReadyUntil) {
        await this.#pause(this.policy.notReadyPollMs, deadline, opts.signal);
        continue;
      }
      throw senseError(sense, opcode);
    }
  }

  async #pause(ms: number, deadline: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await sleep(Math.max(0, Math.min(ms, deadline - Date.now())), undefined, signal ? { signal } : {});
    } catch {
      throw new DriverError('SCSI_ABORTED');
    }
  }
}

function decodeSenseFor(opcode: number, bytes: Uint8Array): SenseData {
  try {
    return decodeSense(bytes);
  } catch (e) {
    throw new DriverError('SCSI_DECODE_FAILED', `${opcodeName(opcode)}: unreadable sense data`, {
      cause: e,
      detail: { opcode, sense: Buffer.from(bytes).toString('hex') },
    });
  }
}

function timeout(opcode: number): DriverError {
  return new DriverError('SCSI_TIMEOUT', `${opcodeName(opcode)} timed out`, {
    retryable: true,
    detail: { opcode },
  });
}

function transport(opcode: number, hostStatus: number): DriverError {
  const what =
    hostStatus === HOST_STATUS.NO_CONNECT
      ? 'the device does not answer (DID_NO_CONNECT)'
      : `host status 0x${hostStatus.toString(16)}`;
  return new DriverError('SCSI_TRANSPORT_FAILED', `${opcodeName(opcode)}: ${what}`, {
    retryable: true,
    detail: { opcode, hostStatus },
  });
}
