import { setTimeout as sleep } from 'node:timers/promises';
import { isDriverError } from '../../server/drivers/core/driver-error.ts';
import { OPCODE, SCSI_STATUS } from '../../server/drivers/scsi/opcodes.ts';
import { decodeRequestSenseCdb } from '../../server/drivers/scsi/cdb.ts';
import {
  encodeDescriptorSense,
  encodeFixedSense,
  type SenseInput,
} from '../../server/drivers/scsi/sense-encode.ts';
import { HOST_STATUS } from '../../server/drivers/scsi/scsi-transport.ts';
import type {
  CommandContext,
  ScsiBehavior,
  ScsiTarget,
  TargetRequest,
  TargetResponse,
} from './scsi-target.ts';

/** Common sense values the emulators answer with (reference §4.3-4.4). */
export const SENSE = {
  invalidOpcode: { senseKey: 5, asc: 0x20, ascq: 0 },
  invalidFieldInCdb: (field: number): SenseInput => ({
    senseKey: 5,
    asc: 0x24,
    ascq: 0,
    fieldPointer: { inCdb: true, field },
  }),
  invalidFieldInParameters: (field: number): SenseInput => ({
    senseKey: 5,
    asc: 0x26,
    ascq: 0,
    fieldPointer: { inCdb: false, field },
  }),
  parameterListLength: { senseKey: 5, asc: 0x1a, ascq: 0 },
  powerOn: { senseKey: 6, asc: 0x29, ascq: 0 },
  mediumMayHaveChanged: { senseKey: 6, asc: 0x28, ascq: 0 },
  noMedium: { senseKey: 2, asc: 0x3a, ascq: 0 },
  becomingReady: { senseKey: 2, asc: 0x04, ascq: 0x01 },
} satisfies Record<string, SenseInput | ((n: number) => SenseInput)>;

/**
 * The parts every emulated SCSI device shares: I_T nexuses with their unit-attention queues,
 * behaviors (faults), the sense format, REQUEST SENSE, and turning a malformed CDB into
 * ILLEGAL REQUEST 24/00 with the field pointer. Subclasses implement `handle`.
 */
export abstract class EmulatedDevice implements ScsiTarget {
  /** Descriptor-format sense, as after MODE SELECT with D_SENSE=1; fixed otherwise. */
  descriptorSense = false;
  readonly #behaviors: ScsiBehavior[] = [];
  readonly #unitAttentions = new Map<number, SenseInput[]>();
  #nextNexus = 1;
  /** Called after every command the device ran (persistence hooks here: state may have changed). */
  readonly afterCommand = new Set<() => void>();
  /** The last commands received, newest last (test helper; at most 64). */
  readonly commandLog: { nexus: number; opcode: number; cdb: Uint8Array }[] = [];

  addBehavior(b: ScsiBehavior): () => void {
    this.#behaviors.push(b);
    return () => {
      const i = this.#behaviors.indexOf(b);
      if (i >= 0) this.#behaviors.splice(i, 1);
    };
  }

  clearBehaviors(): void {
    this.#behaviors.length = 0;
  }

  openNexus(): number {
    const id = this.#nextNexus++;
    // A new nexus learns of the power-on / reset first, as after a real I_T nexus loss.
    this.#unitAttentions.set(id, [SENSE.powerOn]);
    this.onNexusOpened(id);
    return id;
  }

  closeNexus(nexus: number): void {
    this.#unitAttentions.delete(nexus);
    this.onNexusClosed(nexus);
  }

  get nexuses(): number[] {
    return [...this.#unitAttentions.keys()];
  }

  /** Queue a UNIT ATTENTION for one nexus, or for every nexus except `except`. */
  queueUnitAttention(target: number | 'all', sense: SenseInput, except?: number): void {
    for (const [id, queue] of this.#unitAttentions) {
      if ((target === 'all' && id !== except) || id === target) {
        if (!queue.some((q) => q.asc === sense.asc && q.ascq === sense.ascq)) queue.push(sense);
      }
    }
  }

  async execute(nexus: number, req: TargetRequest): Promise<TargetResponse> {
    const opcode = req.cdb[0] ?? 0;
    this.commandLog.push({ nexus, opcode, cdb: req.cdb });
    if (this.commandLog.length > 64) this.commandLog.shift();
    const ctx: CommandContext = { nexus, opcode, req, checkCondition: (s) => this.checkCondition(s) };
    if (this.#behaviors.some((b) => b.isPresent?.(ctx) === false))
      return { status: 0, hostStatus: HOST_STATUS.NO_CONNECT };
    const delay = this.#behaviors.reduce((ms, b) => ms + (b.latencyMs?.(ctx) ?? 0), 0);
    if (delay > 0) {
      if (req.timeoutMs > 0 && delay > req.timeoutMs) {
        await sleep(req.timeoutMs);
        return { status: 0, hostStatus: HOST_STATUS.TIME_OUT };
      }
      await sleep(delay);
    }
    for (const b of this.#behaviors) {
      const answer = b.onCommand?.(ctx);
      if (answer) return answer;
    }
    try {
      return this.#run(nexus, opcode, req);
    } finally {
      for (const fn of this.afterCommand) fn();
    }
  }

  #run(nexus: number, opcode: number, req: TargetRequest): TargetResponse {
    const queue = this.#unitAttentions.get(nexus) ?? [];
    if (opcode === OPCODE.REQUEST_SENSE) return this.#requestSense(queue, req);
    // SPC: INQUIRY is answered without reporting (or clearing) a pending unit attention.
    if (opcode !== OPCODE.INQUIRY && queue.length > 0) return this.checkCondition(queue.shift()!);
    try {
      return this.handle(nexus, req);
    } catch (e) {
      // A CDB the codecs refuse: the field pointer is the byte they named.
      if (isDriverError(e, 'SCSI_DECODE_FAILED') && String(e.detail['what']).endsWith('CDB')) {
        return this.checkCondition(SENSE.invalidFieldInCdb(Number(e.detail['offset'] ?? 0)));
      }
      throw e;
    }
  }

  #requestSense(queue: SenseInput[], req: TargetRequest): TargetResponse {
    const { descriptor, allocationLength } = decodeRequestSenseCdb(req.cdb);
    const sense = queue.shift() ?? { senseKey: 0, asc: 0, ascq: 0 };
    const bytes = descriptor ? encodeDescriptorSense(sense) : encodeFixedSense(sense);
    return { status: SCSI_STATUS.GOOD, dataIn: bytes.subarray(0, allocationLength) };
  }

  checkCondition(sense: SenseInput): TargetResponse {
    const bytes = this.descriptorSense ? encodeDescriptorSense(sense) : encodeFixedSense(sense);
    return { status: SCSI_STATUS.CHECK_CONDITION, sense: bytes };
  }

  good(dataIn?: Uint8Array): TargetResponse {
    return dataIn ? { status: SCSI_STATUS.GOOD, dataIn } : { status: SCSI_STATUS.GOOD };
  }

  protected onNexusOpened(_nexus: number): void {}
  protected onNexusClosed(_nexus: number): void {}

  /** Runs one command for `nexus` after unit attentions and behaviors have had their say. */
  protected abstract handle(nexus: number, req: TargetRequest): TargetResponse;
}
