import { SCSI_STATUS } from '../../server/drivers/scsi/opcodes.ts';
import type { SenseInput } from '../../server/drivers/scsi/sense-encode.ts';
import type { CommandContext, ScsiBehavior } from './scsi-target.ts';

/** Ready-made faults for any emulated SCSI device. `opcode` narrows a fault to one command. */
export interface FaultFilter {
  opcode?: number;
  /** How many matching commands the fault hits. Default 1. */
  count?: number;
}

function counter(filter: FaultFilter): (ctx: CommandContext) => boolean {
  let left = filter.count ?? 1;
  return (ctx) => {
    if (left <= 0 || (filter.opcode !== undefined && ctx.opcode !== filter.opcode)) return false;
    left--;
    return true;
  };
}

/** The next matching command ends in CHECK CONDITION with `sense`, without running. */
export function failNext(sense: SenseInput, filter: FaultFilter = {}): ScsiBehavior {
  const hit = counter(filter);
  return { onCommand: (ctx) => (hit(ctx) ? ctx.checkCondition(sense) : undefined) };
}

/** The next matching command is answered BUSY. */
export function busyNext(filter: FaultFilter = {}): ScsiBehavior {
  const hit = counter(filter);
  return { onCommand: (ctx) => (hit(ctx) ? { status: SCSI_STATUS.BUSY } : undefined) };
}

/** Every matching command waits `ms` first. */
export function latency(ms: number, opcode?: number): ScsiBehavior {
  return { latencyMs: (ctx) => (opcode === undefined || ctx.opcode === opcode ? ms : undefined) };
}

/** The device drops off the bus until the behavior is removed. */
export function dropOff(): ScsiBehavior {
  return { isPresent: () => false };
}
