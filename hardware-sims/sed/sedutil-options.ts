import { LEVEL_NAMES, type SedutilOutput } from './sedutil-log.ts';

/**
 * sedutil 1.20's command-line parser (DtaOptions.cpp, reference §1.1), rule for rule: flags only
 * before the action, the action name compared case-insensitively, the argument count exact
 * (`argc == 2 + flags + args`), ranges only the literals 0..15, and the parser stops at the
 * action, so later values (passwords starting with `-`) are taken positionally.
 */
export type ArgKind =
  | 'password'
  | 'newpassword'
  | 'device'
  | 'range'
  | 'lockstate'
  | 'mbr'
  | 'userid'
  | 'start'
  | 'length'
  | 'file'
  | 'sp'
  | 'auth'
  | 'uid'
  | 'invoker'
  | 'method'
  | 'params';

interface ActionSpec {
  /** The count the parser checks; `--enableuser` declares 2 and consumes 3 (reference §1.3). */
  argc: number;
  args: ArgKind[];
  rangeText?: string;
}

const PW_DEV: ActionSpec = { argc: 2, args: ['password', 'device'] };
const RANGE_PW_DEV: ActionSpec = { argc: 3, args: ['range', 'password', 'device'] };

export const ACTIONS: Record<string, ActionSpec> = {
  initialSetup: PW_DEV,
  setSIDPassword: { argc: 3, args: ['password', 'newpassword', 'device'] },
  setup_SUM: { argc: 6, args: ['range', 'start', 'length', 'password', 'newpassword', 'device'] },
  setAdmin1Pwd: { argc: 3, args: ['password', 'newpassword', 'device'] },
  loadPBAimage: { argc: 3, args: ['password', 'file', 'device'] },
  revertTPer: PW_DEV,
  revertNoErase: PW_DEV,
  revertLockingSP: PW_DEV,
  PSIDrevert: PW_DEV,
  PSIDrevertAdminSP: PW_DEV,
  yesIreallywanttoERASEALLmydatausingthePSID: PW_DEV,
  enableuser: { argc: 2, args: ['password', 'userid', 'device'] },
  activateLockingSP: PW_DEV,
  activateLockingSP_SUM: RANGE_PW_DEV,
  eraseLockingRange_SUM: { ...RANGE_PW_DEV, rangeText: 'Invalid Locking Range (1-15)' },
  query: { argc: 1, args: ['device'] },
  scan: { argc: 0, args: [] },
  isValidSED: { argc: 1, args: ['device'] },
  eraseLockingRange: RANGE_PW_DEV,
  takeOwnership: PW_DEV,
  setLockingRange: { argc: 4, args: ['range', 'lockstate', 'password', 'device'] },
  setLockingRange_SUM: { argc: 4, args: ['range', 'lockstate', 'password', 'device'] },
  enableLockingRange: RANGE_PW_DEV,
  disableLockingRange: RANGE_PW_DEV,
  readonlyLockingRange: RANGE_PW_DEV,
  setupLockingRange: { argc: 5, args: ['range', 'start', 'length', 'password', 'device'] },
  setupLockingRange_SUM: { argc: 5, args: ['range', 'start', 'length', 'password', 'device'] },
  listLockingRanges: PW_DEV,
  listLockingRange: RANGE_PW_DEV,
  rekeyLockingRange: RANGE_PW_DEV,
  setBandsEnabled: PW_DEV,
  setBandEnabled: RANGE_PW_DEV,
  setMBRDone: { argc: 3, args: ['mbr', 'password', 'device'] },
  setMBREnable: { argc: 3, args: ['mbr', 'password', 'device'] },
  setPassword: { argc: 4, args: ['password', 'userid', 'newpassword', 'device'] },
  setPassword_SUM: { argc: 4, args: ['password', 'userid', 'newpassword', 'device'] },
  validatePBKDF2: { argc: 0, args: [] },
  objDump: { argc: 5, args: ['sp', 'auth', 'password', 'uid', 'device'] },
  printDefaultPassword: { argc: 1, args: ['device'] },
  rawCmd: { argc: 7, args: ['sp', 'auth', 'password', 'invoker', 'method', 'params', 'device'] },
};

export type LockState = 'RW' | 'RO' | 'LK';

export interface ParsedCommand {
  /** Canonical action name (a key of ACTIONS), or 'none' when only flags were given. */
  action: string;
  /** Values by kind. `device` is argv[0] when the parser ran past the end (enableuser quirk). */
  args: Partial<Record<ArgKind, string>>;
  range: number;
  lockState: LockState;
  mbrOn: boolean;
  noHash: boolean;
}

export type ParseResult = { ok: true; cmd: ParsedCommand } | { ok: false; usage: boolean };

const RANGES = Array.from({ length: 16 }, (_, i) => String(i));
const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Parses `argv` (argv[0] = program path) logging parser errors to `out` as sedutil does. */
export function parseSedutilArgs(argv: readonly string[], out: SedutilOutput): ParseResult {
  const cmd: ParsedCommand = {
    action: 'none',
    args: {},
    range: 0,
    lockState: 'RW',
    mbrOn: false,
    noHash: false,
  };
  const argc = argv.length;
  if (argc < 2) return { ok: false, usage: true };
  let base = 2; // the program and the action
  for (let i = 1; i < argc; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return { ok: false, usage: true };
    if (a[1] === 'v') {
      base++;
      out.level = Math.min(7, out.level + a.length - 1);
      out.log('D', `Log level set to ${LEVEL_NAMES[out.level]}`);
      out.log('D', 'sedutil version : 1.20.0');
    } else if (a === '-n') {
      base++;
      cmd.noHash = true;
      out.log('D', 'Password hashing is disabled');
    } else if (a === '-l') {
      base++;
      out.logStyle = true;
    } else if (!(a[0] === '-' && a[1] === '-')) {
      out.error(`Argument ${i} (${a}) should be a command`);
      return { ok: false, usage: false };
    } else {
      const name = Object.keys(ACTIONS).find((k) => eq(k, a.slice(2)));
      if (!name) {
        out.error(`Invalid command line argument ${a}`);
        return { ok: false, usage: false };
      }
      const spec = ACTIONS[name]!;
      if (spec.argc + base !== argc) {
        out.error(`Incorrect number of paramaters for ${a} command`); // sic
        return { ok: false, usage: false };
      }
      cmd.action = name;
      return takeArgs(argv, i, spec, cmd, out);
    }
  }
  return { ok: true, cmd };
}

/** The OPTION_IS / TESTARG steps after the action, each reading the next argument. */
function takeArgs(
  argv: readonly string[],
  at: number,
  spec: ActionSpec,
  cmd: ParsedCommand,
  out: SedutilOutput,
): ParseResult {
  let i = at;
  for (const kind of spec.args) {
    i++;
    const v = argv[i];
    if (kind === 'range') {
      const r = v === undefined ? -1 : RANGES.findIndex((s) => eq(s, v));
      if (r < 0) return fail(out, `${spec.rangeText ?? 'Invalid Locking Range (0-15)'} ${v}`);
      cmd.range = r;
    } else if (kind === 'lockstate') {
      const s = (['RW', 'RO', 'LK'] as const).find((x) => v !== undefined && eq(x, v));
      if (!s) return fail(out, `Invalid locking state <ro|rw|lk> ${v}`);
      cmd.lockState = s;
    } else if (kind === 'mbr') {
      // TESTARG lists ON/on/off/OFF with strcasecmp, so any case works.
      if (v === undefined || !(eq(v, 'on') || eq(v, 'off'))) {
        return fail(out, `Invalid ${cmd.action} argument not <on|off> ${v}`);
      }
      cmd.mbrOn = eq(v, 'on');
    } else {
      // Past the end (enableuser): main() falls back to argv[0] for the device.
      cmd.args[kind] = v ?? argv[0]!;
    }
  }
  return { ok: true, cmd };
}

function fail(out: SedutilOutput, msg: string): ParseResult {
  out.error(msg);
  return { ok: false, usage: false };
}
