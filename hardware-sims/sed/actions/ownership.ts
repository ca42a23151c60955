import { activate, lockingSpLifeCycle, setPin, type OpalAuthority } from '../opal-state.ts';
import { ADMIN1, ANYBODY, SID, type ActionContext, type ActionProgram } from '../sedutil-session.ts';

/** DTAERROR_* codes sedutil returns for its own checks (reference §3.3). */
export const DTAERROR = {
  UNSUPPORTED_LOCKING_RANGE: 0x81,
  INVALID_PARAMETER: 0x83,
  OPEN_ERR: 0x84,
  INVALID_LIFECYCLE: 0x85,
  INVALID_COMMAND: 0x86,
  COMMAND_ERROR: 0x88,
  NO_LOCKING_INFO: 0x8a,
} as const;

/** Anybody session on the Admin SP, Get C_PIN_MSID. */
function getDefaultPassword(ctx: ActionContext): { rc: number; msid: string } {
  const rc = ctx.sessions.start('admin', ANYBODY, null);
  if (rc) {
    ctx.out.error(`Unable to start Unauthenticated session ${ctx.device}`);
    ctx.sessions.abandon();
    return { rc, msid: '' };
  }
  return { rc: 0, msid: ctx.drive.msid };
}

export const printDefaultPassword: ActionProgram = (ctx) => {
  const { rc, msid } = getDefaultPassword(ctx);
  if (rc) {
    ctx.out.error('unable to read MSID password');
    return rc;
  }
  ctx.out.printf(`MSID: ${msid}\n`);
  return 0;
};

/** SID session with `old` (hashed or not by the caller), then C_PIN_SID := `next`. Silent on success. */
function changeSidPin(ctx: ActionContext, old: Buffer, next: Buffer): number {
  const { sessions, out, drive } = ctx;
  const rc = sessions.start('admin', SID, old);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  const set = sessions.method(setPin(drive, sessions.who, SID, next));
  if (set) {
    out.error('Set Failed ');
    out.error('Unable to set new SID password ');
  }
  return set;
}

export const setSIDPassword: ActionProgram = (ctx) =>
  changeSidPin(ctx, ctx.pins.password, ctx.pins.newpassword);

/** Read MSID, authenticate as SID with it (never hashed), set the new SID PIN. */
export const takeOwnership: ActionProgram = (ctx) => {
  const { rc, msid } = getDefaultPassword(ctx);
  if (rc) {
    ctx.out.error('Unable to read MSID password ');
    return rc;
  }
  const set = changeSidPin(ctx, Buffer.from(msid, 'latin1'), ctx.pins.password);
  if (set) {
    ctx.out.error('takeOwnership failed');
    return set;
  }
  ctx.out.info('takeOwnership complete');
  return 0;
};

/** SID session, Locking SP life cycle must be Manufactured-Inactive (sedutil's own check), Activate. */
function activateWith(ctx: ActionContext, sumRanges: number[]): number {
  const { sessions, out, drive, model } = ctx;
  const rc = sessions.start('admin', SID, ctx.pins.password);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  if (lockingSpLifeCycle(drive) !== 0x08) {
    out.error('Locking SP lifecycle is not Manufactured-Inactive');
    return DTAERROR.INVALID_LIFECYCLE;
  }
  return sessions.method(activate(drive, model, sumRanges));
}

export const activateLockingSP: ActionProgram = (ctx) => {
  const rc = activateWith(ctx, []);
  if (!rc) ctx.out.info('Locking SP Activate Complete');
  return rc;
};

export const activateLockingSP_SUM: ActionProgram = (ctx) => {
  const n = ctx.cmd.range;
  const rc = activateWith(ctx, [n]);
  if (!rc) ctx.out.info(`Locking SP Activate Complete for single User${n + 1} on locking range ${n}`);
  return rc;
};

/** getAuth4User: `User<n>` or `Admin<n>` (case-sensitive prefix, atoi for the number). */
function authorityOf(userid: string): OpalAuthority | undefined {
  const m = /^(User|Admin)/.exec(userid);
  if (!m) return undefined;
  const n = parseInt(userid.slice(m[0].length), 10);
  return { kind: m[1] === 'User' ? 'user' : 'admin', n: Number.isNaN(n) ? 0 : n };
}

/** Authenticate as `as`, then set the C_PIN of `userid`. */
function changePin(ctx: ActionContext, as: OpalAuthority, userid: string): number {
  const { sessions, out, drive } = ctx;
  const rc = sessions.start('locking', as, ctx.pins.password);
  if (rc) {
    sessions.abandon();
    return rc;
  }
  const target = authorityOf(userid);
  if (!target) {
    out.error(`Invalid Userid ${userid}`);
    out.error(`Unable to find user ${userid} in Authority Table`);
    return DTAERROR.INVALID_PARAMETER;
  }
  const set = sessions.method(setPin(drive, sessions.who, target, ctx.pins.newpassword));
  if (set) {
    out.error('Set Failed ');
    out.error(`Unable to set user ${userid} new password `);
    return set;
  }
  out.info(`${userid} password changed`);
  return 0;
}

/** On Opal, always authenticates as Admin1 whatever `userid` is (reference §1.3). */
export const setPassword: ActionProgram = (ctx) => changePin(ctx, ADMIN1, ctx.cmd.args.userid ?? '');

export const setAdmin1Pwd: ActionProgram = (ctx) => changePin(ctx, ADMIN1, 'Admin1');

/** SUM: authenticates as the user whose password changes. */
export const setPassword_SUM: ActionProgram = (ctx) => {
  const userid = ctx.cmd.args.userid ?? '';
  return changePin(ctx, authorityOf(userid) ?? ANYBODY, userid);
};

/** Unreachable with sedutil 1.20's parser (the device becomes argv[0]); kept for completeness. */
export const enableuser: ActionProgram = (ctx) => {
  const userid = ctx.cmd.args.userid ?? '';
  const rc = ctx.sessions.admin1(ctx.pins.password);
  if (rc) return rc;
  const target = authorityOf(userid);
  const row = target?.kind === 'user' ? ctx.drive.lockingSp?.users[target.n - 1] : undefined;
  if (!row) return ctx.sessions.method(0x0c);
  row.enabled = true;
  ctx.out.info(`${userid} has been enabled `);
  return 0;
};
