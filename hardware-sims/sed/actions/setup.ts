import { isLockingSpActive } from '../opal-state.ts';
import type { ActionContext, ActionProgram } from '../sedutil-session.ts';
import { configureLockingRange, setLockingRange, setupLockingRange_SUM } from './locking.ts';
import { setMBRDone, setMBREnable } from './mbr.ts';
import {
  activateLockingSP,
  activateLockingSP_SUM,
  DTAERROR,
  setPassword,
  takeOwnership,
} from './ownership.ts';

/**
 * DTA 1.20 --initialSetup (reference §5.5): each step in its own session; a failure stops the
 * sequence and earlier steps stay done (ownership taken, Locking SP not active, …). It leaves
 * the shadow MBR enabled (the "no bootable device" trap of §1.4).
 */
export const initialSetup: ActionProgram = (ctx) => {
  const steps: [() => number, string][] = [
    [() => takeOwnership(ctx), 'unable to take ownership'],
    [() => activateLockingSP(ctx), 'unable to activate LockingSP'],
    [() => configureLockingRange(ctx, 0, 'disable'), 'unable to configure global locking range'],
    [() => setLockingRange(ctx, 0, 'RW'), 'unable to set global locking range RW'],
    [() => setMBRDone(ctx, true), 'unable to Enable MBR shadow'],
    [() => setMBREnable(ctx, true), 'unable to Enable MBR shadow'],
  ];
  for (const [step, why] of steps) {
    const rc = step();
    if (rc) {
      ctx.out.error(`Initial setup failed - ${why}`);
      return rc;
    }
  }
  ctx.out.info(`Initial setup of TPer complete on ${ctx.device}`);
  return 0;
};

/**
 * --setup_SUM (undocumented; intermediate lines reconstructed from the step list of reference
 * §1.3, UNVERIFIED): take ownership and activate with the range in Single User Mode, configure
 * the range, then give User<n+1> its password.
 */
export const setup_SUM: ActionProgram = (ctx: ActionContext) => {
  const { out, drive, model, cmd } = ctx;
  if (!model.singleUser) {
    out.error('Setup_SUM failed - this drive does not support LockingSP / SUM');
    return DTAERROR.INVALID_COMMAND;
  }
  if (isLockingSpActive(drive)) {
    out.error('Setup_SUM failed - LockingSP has already been configured in standard mode.');
    return DTAERROR.INVALID_COMMAND;
  }
  const user = `User${cmd.range + 1}`;
  const steps: (() => number)[] = [
    () => takeOwnership(ctx),
    () => activateLockingSP_SUM(ctx),
    // The new user's PIN is still empty: configure the range as that user.
    () => setupLockingRange_SUM(withPassword(ctx, Buffer.alloc(0))),
    () =>
      setLockingRange(withPassword(ctx, Buffer.alloc(0)), cmd.range, 'RW', {
        kind: 'user',
        n: cmd.range + 1,
      }),
    () => setPassword({ ...ctx, cmd: { ...cmd, args: { ...cmd.args, userid: user } } }),
  ];
  for (const step of steps) {
    const rc = step();
    if (rc) return rc;
  }
  out.info(`Setup of SUM complete on ${ctx.device}`);
  return 0;
};

const withPassword = (ctx: ActionContext, password: Buffer): ActionContext => ({
  ...ctx,
  pins: { ...ctx.pins, password },
});
