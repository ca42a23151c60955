import { setMbr, writeMbr } from '../opal-state.ts';
import type { ActionContext, ActionProgram } from '../sedutil-session.ts';
import { DTAERROR } from './ownership.ts';

const onOff = (on: boolean) => (on ? 'on' : 'off');

export function setMBRDone(ctx: ActionContext, on: boolean): number {
  const { sessions, out, drive, model } = ctx;
  const rc = sessions.admin1(ctx.pins.password);
  if (rc) return rc;
  const set = sessions.method(setMbr(drive, model, sessions.who, { done: on }));
  if (set) {
    out.error('Set Failed ');
    out.error(`Unable to set setMBRDone ${onOff(on)}`);
    return set;
  }
  out.info(`MBRDone set ${onOff(on)} `);
  return 0;
}

/** Sets MBRDone first so the shadow is not presented while it changes (reference §1.3). */
export function setMBREnable(ctx: ActionContext, on: boolean): number {
  const done = setMBRDone(ctx, true);
  if (done) {
    ctx.out.error('unable to set MBRDone');
    return done;
  }
  const { sessions, out, drive, model } = ctx;
  const rc = sessions.admin1(ctx.pins.password);
  if (rc) return rc;
  const set = sessions.method(setMbr(drive, model, sessions.who, { enable: on }));
  if (set) {
    out.error('Set Failed ');
    out.error(`Unable to set setMBREnable ${onOff(on)}`);
    return set;
  }
  out.info(`MBREnable set ${onOff(on)} `);
  return 0;
}

export const setMBRDoneAction: ActionProgram = (ctx) => setMBRDone(ctx, ctx.cmd.mbrOn);
export const setMBREnableAction: ActionProgram = (ctx) => setMBREnable(ctx, ctx.cmd.mbrOn);

/**
 * Chunk size: min(MaxComPacketSize, 61440, MaxIndTokenSize - 4) - 106 (reference §2.7, computed,
 * UNVERIFIED on hardware). Progress lines end in `\r`, so a terminal shows one updating line.
 */
function chunkSize(ctx: ActionContext): number {
  const prop = (name: string) => ctx.model.properties.find((p) => p.name === name)?.value ?? 2048;
  return Math.min(prop('MaxComPacketSize'), 61440, prop('MaxIndTokenSize') - 4) - 106;
}

export const loadPBAimage: ActionProgram = (ctx) => {
  const { sessions, out, drive, model, device, pba } = ctx;
  const file = ctx.cmd.args.file ?? '';
  if (!pba) {
    out.error(`Unable to open PBA image file ${file}`);
    return DTAERROR.OPEN_ERR;
  }
  out.info(`Writing PBA to ${device}`);
  const rc = sessions.admin1(ctx.pins.password);
  if (rc) return rc;
  const written = sessions.method(writeMbr(drive, model, sessions.who, pba));
  if (written) return written;
  const blk = chunkSize(ctx);
  const step = Math.max(blk, Math.floor(pba.bytes / 20 / blk) * blk);
  for (let done = Math.min(step, pba.bytes); ; done = Math.min(done + step, pba.bytes)) {
    out.printf(`${done} of ${pba.bytes} ${Math.floor((done * 100) / Math.max(1, pba.bytes))}% blk=${blk} \r`);
    if (done >= pba.bytes) break;
  }
  out.printf('\n');
  out.info(`PBA image  ${file} written to ${device}`);
  return 0;
};
