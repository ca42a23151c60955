import { revertAdminSp, revertLockingSp } from '../opal-state.ts';
import type { ActionContext, ActionProgram } from '../sedutil-session.ts';

/**
 * Revert on the Admin SP, authenticated by SID (hashed) or PSID (always raw, reference §4.2).
 * The TPer ends the session itself, so sedutil expects the abort and prints nothing more.
 */
function revertTPer(ctx: ActionContext, psid: boolean): number {
  const { sessions, out, drive } = ctx;
  const credential = psid ? Buffer.from(ctx.cmd.args.password ?? '', 'utf8') : ctx.pins.password;
  const rc = sessions.start('admin', { kind: psid ? 'psid' : 'sid' }, credential);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  const reverted = sessions.method(revertAdminSp(drive));
  if (reverted) return reverted;
  out.info('revertTper completed successfully');
  return 0;
}

export const revertTPerAction: ActionProgram = (ctx) => revertTPer(ctx, false);

/** `-v` logs the PSID in clear (reference §1.2): one of the leaks the console must never enable. */
export const psidRevert: ActionProgram = (ctx) => {
  ctx.out.log('D', `Performing a PSID Revert on ${ctx.device} with password ${ctx.cmd.args.password ?? ''}`);
  return revertTPer(ctx, true);
};

/** RevertSP on the Locking SP as Admin1; `keep` = KeepGlobalRangeKey (--revertNoErase). */
function revertSp(ctx: ActionContext, keep: boolean): number {
  const { sessions, out, drive } = ctx;
  const rc = sessions.start('locking', { kind: 'admin', n: 1 }, ctx.pins.password);
  if (rc) {
    out.error('Start session failed');
    sessions.abandon();
    return rc;
  }
  const reverted = sessions.method(revertLockingSp(drive, keep));
  if (reverted) {
    out.error('Command failed');
    return reverted;
  }
  out.info('Revert LockingSP complete');
  return 0;
}

export const revertNoErase: ActionProgram = (ctx) => revertSp(ctx, true);
export const revertLockingSP: ActionProgram = (ctx) => revertSp(ctx, false);
