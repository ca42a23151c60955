import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENTERPRISE_ACTIONS, PROGRAMS, PSID_ACTIONS } from './actions/index.ts';
import { validatePbkdf2 } from './actions/info.ts';
import { DTAERROR } from './actions/ownership.ts';
import { behaviorsFromFaults, type SedCommandInfo, type SedSimBehavior } from './behaviors.ts';
import { driveModel } from './data/drive-models.ts';
import { fleetHosts, type FleetStore } from './fleet-store.ts';
import { PinHasher, saltOf, sedutilPinSync } from './opal-pin.ts';
import { SedutilOutput } from './sedutil-log.ts';
import { isAnySsc, isValidSedLine, scanLine } from './sedutil-format.ts';
import { parseSedutilArgs, type ParsedCommand } from './sedutil-options.ts';
import { SessionManager } from './sedutil-session.ts';
import { USAGE } from './sedutil-usage.ts';
import type { FleetState, SimDrive } from './sim-types.ts';

export interface SedutilEnvironment {
  store: FleetStore;
  /** Which host's drives this "machine" sees; default: the first host of the fleet. */
  host?: string | undefined;
  /** Behaviors added from outside (tests); the drive's persisted faults are added per command. */
  behaviors?: readonly SedSimBehavior[];
  hasher?: PinHasher;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface SedutilResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A crashed command's session is given up after its latency plus this (a drive's session timeout). */
const SESSION_GRACE_MS = 2_000;

/** Actions that only read the drive's discovery data. */
const READ_ONLY = new Set(['query']);

/** sedutil scans /dev/sd[a-z] and NVMe controllers /dev/nvme[0-9] and /dev/nvme[0-9][0-9] only. */
const SCANNED = /^\/dev\/(sd[a-z]|nvme\d{1,2})$/;

/** The drive at `path` on `host` (namespace 1 of an NVMe controller reaches the controller's drive). */
export function findDrive(state: FleetState, host: string, path: string): SimDrive | undefined {
  const controller = /^(\/dev\/nvme\d+)n1$/.exec(path)?.[1];
  return state.drives.find((d) => d.host === host && (d.device === path || d.device === controller));
}

const isPresent = (d: SimDrive, info: SedCommandInfo, behaviors: readonly SedSimBehavior[]) =>
  d.present &&
  [...behaviors, ...behaviorsFromFaults(d.faults)].every((b) => b.isPresent?.(info, d) !== false);

function latencyOf(d: SimDrive, info: SedCommandInfo, behaviors: readonly SedSimBehavior[]): number {
  return [...behaviors, ...behaviorsFromFaults(d.faults)].reduce(
    (ms, b) => ms + (b.latencyMs?.(info, d) ?? 0),
    0,
  );
}

/** The credential arguments as the drive receives them: PBKDF2 with the drive's salt unless `-n`. */
async function pinsFor(cmd: ParsedCommand, drive: SimDrive, hasher: PinHasher) {
  const salt = saltOf(drive.identity);
  const password = cmd.args.password ?? '';
  return {
    salt,
    password: PSID_ACTIONS.has(cmd.action)
      ? Buffer.from(password, 'utf8')
      : await hasher.pin(password, salt, cmd.noHash),
    newpassword: await hasher.pin(cmd.args.newpassword ?? '', salt, cmd.noHash),
  };
}

async function readPba(path: string | undefined) {
  if (path === undefined) return null;
  try {
    const bytes = await readFile(path);
    return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch {
    return null;
  }
}

/**
 * One sedutil-cli 1.20.0 invocation against the simulated fleet: `argv` as the process gets it
 * (argv[0] = program path). Hashing and file reads happen before the store's critical section,
 * so parallel invocations overlap as real ones do; a behavior's latency keeps the drive's session
 * open afterwards, so a concurrent command on the same drive meets SP_BUSY.
 */
export async function runSedutil(argv: readonly string[], env: SedutilEnvironment): Promise<SedutilResult> {
  const out = new SedutilOutput(env.now ?? (() => new Date()));
  const done = (code: number): SedutilResult => ({
    exitCode: code & 0xff,
    stdout: out.stdout,
    stderr: out.stderr,
  });
  const parsed = parseSedutilArgs(argv, out);
  if (!parsed.ok) {
    if (parsed.usage) out.printf(USAGE);
    return done(DTAERROR.COMMAND_ERROR);
  }
  const cmd = parsed.cmd;
  if (cmd.action === 'validatePBKDF2') return done(validatePbkdf2(out));
  const state = await env.store.read();
  const host = env.host ?? fleetHosts(state)[0] ?? '';
  const behaviors = env.behaviors ?? [];
  const device = cmd.args.device ?? argv[0] ?? '';
  const info: SedCommandInfo = { action: cmd.action, device, host };
  if (cmd.action === 'scan') {
    out.printf('Scanning for Opal compliant disks\n');
    const drives = state.drives
      .filter(
        (d) =>
          d.host === host && SCANNED.test(d.device) && isPresent(d, { ...info, device: d.device }, behaviors),
      )
      .sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
    for (const d of drives) out.printf(scanLine(d.device, d, driveModel(d.model)));
    out.printf('No more disks present ending scan\n');
    return done(0);
  }
  const addressable = device.startsWith('/dev/nvme') || device.startsWith('/dev/s');
  if (!addressable) out.error('DtaDevOS::init ERROR - unknown drive type');
  const snap = addressable ? findDrive(state, host, device) : undefined;
  const present = snap !== undefined && isPresent(snap, info, behaviors);
  if (cmd.action === 'isValidSED') {
    if (present) out.printf(isValidSedLine(device, snap, driveModel(snap.model)));
    return done(0);
  }
  if (!present || !isAnySsc(driveModel(snap.model)) || !PROGRAMS[cmd.action]) {
    out.error(`Invalid or unsupported disk ${device}`);
    return done(DTAERROR.COMMAND_ERROR);
  }
  const m = driveModel(snap.model);
  if (!m.ssc.opal1 && !m.ssc.opal2 && !ENTERPRISE_ACTIONS.has(cmd.action)) {
    out.error(`sedsim: ${cmd.action} is not simulated for Enterprise SSC drives`);
    return done(DTAERROR.INVALID_COMMAND);
  }
  return done(await runOnDrive(cmd, { env, out, info, snap, behaviors }));
}

async function runOnDrive(
  cmd: ParsedCommand,
  c: {
    env: SedutilEnvironment;
    out: SedutilOutput;
    info: SedCommandInfo;
    snap: SimDrive;
    behaviors: readonly SedSimBehavior[];
  },
): Promise<number> {
  const { env, out, info, behaviors } = c;
  const pins = await pinsFor(cmd, c.snap, env.hasher ?? new PinHasher());
  const pba = cmd.action === 'loadPBAimage' ? await readPba(cmd.args.file) : null;
  const latency = latencyOf(c.snap, info, behaviors);
  if (READ_ONLY.has(cmd.action)) {
    // Discovery opens no session and changes nothing: no lock, no write (hundreds run at once).
    const model = driveModel(c.snap.model);
    const sessions = new SessionManager({
      out,
      drive: c.snap,
      model,
      info,
      behaviors,
      runId: '',
      now: Date.now(),
    });
    const rc = PROGRAMS[cmd.action]!({
      out,
      cmd,
      device: info.device,
      drive: c.snap,
      model,
      pins,
      pba,
      sessions,
    });
    if (latency > 0) await sleep(latency, undefined, env.signal ? { signal: env.signal } : {});
    return rc;
  }
  const runId = randomUUID();
  const rc = await env.store.update((state, tx) => {
    const drive = findDrive(state, info.host, info.device);
    if (!drive?.present) return undefined; // vanished since the snapshot
    const before = JSON.stringify(drive);
    const model = driveModel(drive.model);
    const salt = saltOf(drive.identity);
    const rehash = (pw: string | undefined) => sedutilPinSync(pw ?? '', salt, cmd.noHash);
    const wirePins =
      salt.equals(pins.salt) || PSID_ACTIONS.has(cmd.action)
        ? pins
        : { password: rehash(cmd.args.password), newpassword: rehash(cmd.args.newpassword) };
    const sessions = new SessionManager({
      out,
      drive,
      model,
      info,
      behaviors: [...behaviors, ...behaviorsFromFaults(drive.faults)],
      runId,
      now: Date.now(),
    });
    const result = PROGRAMS[cmd.action]!({
      out,
      cmd,
      device: info.device,
      drive,
      model,
      pins: wirePins,
      pba,
      sessions,
    });
    if (latency > 0 && sessions.opened > 0)
      drive.session = { owner: runId, until: Date.now() + latency + SESSION_GRACE_MS };
    if (JSON.stringify(drive) === before) tx.unchanged();
    return result;
  });
  if (rc === undefined) {
    out.error(`Invalid or unsupported disk ${info.device}`);
    return DTAERROR.COMMAND_ERROR;
  }
  if (latency > 0) {
    await sleep(latency, undefined, env.signal ? { signal: env.signal } : {});
    await env.store.update((state) => {
      const drive = findDrive(state, info.host, info.device);
      if (drive?.session?.owner === runId) drive.session = null;
    });
  }
  return rc;
}
