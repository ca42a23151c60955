import { eraseRange, genKey, getRange, setRange, type OpalAuthority } from '../opal-state.ts';
import type { LockState } from '../sedutil-options.ts';
import { ADMIN1, type ActionContext, type ActionProgram } from '../sedutil-session.ts';
import { DTAERROR } from './ownership.ts';

/** sedutil's DTA_*LOCKING flags for configureLockingRange: RLE/WLE and the message each prints. */
const CONFIGURE = {
  enable: { rle: true, wle: true, text: 'enabled ReadLocking,WriteLocking' },
  disable: { rle: false, wle: false, text: 'disabled ' },
  readonly: { rle: false, wle: true, text: 'enabled WriteLocking' },
} as const;

const LOCK_BITS: Record<LockState, { readLocked: boolean; writeLocked: boolean }> = {
  RW: { readLocked: false, writeLocked: false },
  RO: { readLocked: false, writeLocked: true },
  LK: { readLocked: true, writeLocked: true },
};

export function configureLockingRange(
  ctx: ActionContext,
  range: number,
  mode: keyof typeof CONFIGURE,
): number {
  const { sessions, out, drive, model } = ctx;
  const rc = sessions.admin1(ctx.pins.password);
  if (rc) return rc;
  const { rle, wle, text } = CONFIGURE[mode];
  const set = sessions.method(
    setRange(drive, model, sessions.who, range, { readLockEnabled: rle, writeLockEnabled: wle }),
  );
  if (set) {
    out.error('configureLockingRange Failed ');
    return set;
  }
  out.info(`LockingRange${range} ${text}`);
  return 0;
}

export const enableLockingRange: ActionProgram = (ctx) => configureLockingRange(ctx, ctx.cmd.range, 'enable');
export const disableLockingRange: ActionProgram = (ctx) =>
  configureLockingRange(ctx, ctx.cmd.range, 'disable');
export const readonlyLockingRange: ActionProgram = (ctx) =>
  configureLockingRange(ctx, ctx.cmd.range, 'readonly');

/** ReadLocked/WriteLocked only; RLE/WLE untouched (reference §1.4). */
export function setLockingRange(
  ctx: ActionContext,
  range: number,
  state: LockState,
  as: OpalAuthority = ADMIN1,
): number {
  const { sessions, out, drive, model } = ctx;
  const rc = sessions.start('locking', as, ctx.pins.password);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  const set = sessions.method(setRange(drive, model, sessions.who, range, LOCK_BITS[state]));
  if (set) {
    out.error('setLockingRange Failed ');
    return set;
  }
  out.info(`LockingRange${range} set to ${state}`);
  return 0;
}

export const setLockingRangeAction: ActionProgram = (ctx) =>
  setLockingRange(ctx, ctx.cmd.range, ctx.cmd.lockState);

/** SUM: as User<n+1>, RLE=WLE=True plus the lock bits. */
export const setLockingRange_SUM: ActionProgram = (ctx) => {
  const { range, lockState } = ctx.cmd;
  const { sessions, out, drive, model } = ctx;
  const rc = sessions.start('locking', { kind: 'user', n: range + 1 }, ctx.pins.password);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  const cols = { readLockEnabled: true, writeLockEnabled: true, ...LOCK_BITS[lockState] };
  const set = sessions.method(setRange(drive, model, sessions.who, range, cols));
  if (set) {
    out.error('setLockingRange Failed ');
    return set;
  }
  out.info(`LockingRange${range} set to ${lockState}`);
  return 0;
};

/** Get ActiveKey, GenKey: crypto-erases the range. */
export function rekeyLockingRange(ctx: ActionContext, range: number, as: OpalAuthority = ADMIN1): number {
  const { sessions, out, drive, model } = ctx;
  const rc = sessions.start('locking', as, ctx.pins.password);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  const gen = sessions.method(genKey(drive, sessions.who, model, range));
  if (gen) {
    out.error('rekeyLockingRange Failed ');
    return gen;
  }
  out.info(as.kind === 'user' ? 'LockingRange reKeyed ' : `LockingRange${range} reKeyed `);
  return 0;
}

export const rekeyLockingRangeAction: ActionProgram = (ctx) => rekeyLockingRange(ctx, ctx.cmd.range);

/** atoll(): the leading decimal digits, 0 when there are none. */
const atoll = (s = '') => Number(/^\s*[+-]?\d+/.exec(s)?.[0] ?? 0);

function setupRange(ctx: ActionContext, as: OpalAuthority, sum: boolean): number {
  const { sessions, out, drive, model, cmd } = ctx;
  const range = cmd.range;
  if (range < 1) {
    out.error('global locking range cannot be changed');
    return DTAERROR.UNSUPPORTED_LOCKING_RANGE;
  }
  const start = atoll(cmd.args.start);
  const length = atoll(cmd.args.length);
  const rc = sessions.start('locking', as, ctx.pins.password);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  const cols = {
    start,
    length,
    readLockEnabled: sum,
    writeLockEnabled: sum,
    readLocked: false,
    writeLocked: false,
  };
  const set = sessions.method(setRange(drive, model, sessions.who, range, cols));
  if (set) {
    out.error('setupLockingRange Failed ');
    return set;
  }
  const rekey = rekeyLockingRange(ctx, range, as);
  if (rekey) {
    out.error('setupLockingRange Unable to reKey Locking range -- Possible security issue ');
    return rekey;
  }
  const how = sum ? 'LOCKED' : 'unlocked';
  out.info(`LockingRange${range} starting block ${start} for ${length} blocks configured as ${how} range`);
  return 0;
}

export const setupLockingRange: ActionProgram = (ctx) => setupRange(ctx, ADMIN1, false);
export const setupLockingRange_SUM: ActionProgram = (ctx) =>
  setupRange(ctx, { kind: 'user', n: ctx.cmd.range + 1 }, true);

export const eraseLockingRange_SUM: ActionProgram = (ctx) => {
  const { sessions, out, drive, model, cmd } = ctx;
  const rc = sessions.admin1(ctx.pins.password);
  if (rc) return rc;
  const erased = sessions.method(eraseRange(drive, model, sessions.who, cmd.range));
  if (erased) return erased;
  out.info(`LockingRange${cmd.range} erased`);
  return 0;
};

const yn = (b: boolean) => (b ? ' Y ' : ' N ');

/** Every range 0..MaxRanges, whatever range was asked for (the --listLockingRange quirk). */
export const listLockingRanges: ActionProgram = (ctx) => {
  const { sessions, out, drive, model, device } = ctx;
  const rc = sessions.admin1(ctx.pins.password);
  if (rc) return rc;
  out.info(`Locking Range Configuration for ${device}`);
  for (let i = 0; i <= model.maxRanges; i++) {
    const r = getRange(drive, i);
    if (!r) break;
    out.info(`LR${i} Begin ${r.start} for ${r.length}`);
    out.info(
      `            RLKEna =${yn(r.readLockEnabled)} WLKEna =${yn(r.writeLockEnabled)} RLocked =${yn(r.readLocked)} WLocked =${yn(r.writeLocked)}`,
    );
  }
  return 0;
};
