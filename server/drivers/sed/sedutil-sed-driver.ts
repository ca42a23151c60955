import { performance } from 'node:perf_hooks';
import { DriverError, isDriverError } from '../core/driver-error.ts';
import type { Secret } from '../core/secret.ts';
import type { CommandResult, CommandRunner } from './command-runner.ts';
import { canonicalDevicePath, resolveWithFilesystem, type DevicePathResolver } from './device-path.ts';
import { DriveQueue } from './drive-queue.ts';
import type * as S from './sed-driver.ts';
import { passwordArgument, psidArgument } from './sed-password.ts';
import { sedutilArgv as argv, type SedutilCommand } from './sedutil-argv.ts';
import { sedutilFailure } from './sedutil-errors.ts';
import {
  outputLines,
  parseLockingRanges,
  parseScan,
  parseToolInfo,
  SedutilParseError,
} from './sedutil-parser.ts';
import { parseQuery } from './sedutil-query-parser.ts';

export interface SedDriverLogger {
  debug(obj: object, msg: string): void;
}

export interface SedutilSedDriverOptions {
  runner: CommandRunner;
  /** The binary: `/usr/sbin/sedutil-cli` on a real host, `hardware-sims/bin/sedutil-cli` in the simulator. */
  sedutilPath: string;
  /** Label of the host this driver reaches. Default 'localhost'. */
  host?: string;
  /** Extra environment for the tool (the simulator's state file and host). */
  env?: Record<string, string>;
  /** Per sedutil process. Default 90 s (SG_IO's own timeout is 60 s; reverts are slow). */
  timeoutMs?: number;
  /** Per output stream. Default 1 MiB. */
  maxOutputBytes?: number;
  /** sedutil processes at once across drives. Default 16. */
  maxConcurrent?: number;
  /** Default: the filesystem's realpath. The simulator passes its own (its /dev is virtual). */
  resolveDevicePath?: DevicePathResolver;
  logger?: SedDriverLogger;
}

const line = (text: string) => new RegExp(`^${text}\\s*$`, 'm');

/**
 * SedDriver over sedutil-cli (DTA 1.20 output; 1.49 and ChubbyAnt detected) through a
 * CommandRunner. Argv is never logged and never goes through a shell; only the action, device,
 * exit code and duration are logged.
 *
 * Host hardening this requires (sedutil takes passwords as argv, reference §4.4): while a keyed
 * command runs (tens of ms, the PBKDF2 time), its password is readable in /proc/<pid>/cmdline by
 * any local user. Mount /proc with `hidepid=2` on managed hosts, keep shell access to them
 * restricted, do not run execve auditing that records arguments, and never enable `-v`.
 * In this process the password also becomes an argv string, which cannot be zeroed like the
 * Secret it came from; a future backend on the kernel's sed-opal ioctls avoids both.
 */
export class SedutilSedDriver implements S.SedDriver {
  readonly host: string;
  readonly #o: SedutilSedDriverOptions;
  readonly #queue: DriveQueue;
  readonly #resolve: DevicePathResolver;
  #tool: Promise<S.SedToolInfo> | null = null;
  #admission: Promise<unknown> = Promise.resolve();

  constructor(options: SedutilSedDriverOptions) {
    this.#o = options;
    this.host = options.host ?? 'localhost';
    this.#queue = new DriveQueue(options.maxConcurrent ?? 16);
    this.#resolve = options.resolveDevicePath ?? resolveWithFilesystem;
  }

  getToolInfo(opts?: S.SedCallOptions): Promise<S.SedToolInfo> {
    this.#tool ??= this.#queue
      .run('*tool*', () => this.#detectTool(opts), opts?.signal)
      .catch((e: unknown) => {
        this.#tool = null;
        throw e;
      });
    return this.#tool;
  }

  async scan(opts?: S.SedCallOptions): Promise<S.SedScanEntry[]> {
    const tool = await this.getToolInfo(opts);
    const r = await this.#queue.run('*scan*', () => this.#exec(argv.scan(), '', opts), opts?.signal);
    if (r.exitCode !== 0) throw sedutilFailure(r, { action: 'scan', device: '', secrets: [] });
    return this.#parsed('scan', '', () => parseScan(r.stdout, tool.variant));
  }

  query(device: string, opts?: S.SedCallOptions): Promise<S.SedQueryResult> {
    return this.#inOrder(device, opts, false, (dev) => this.#query(dev, opts));
  }

  async identify(device: string, opts?: S.SedCallOptions): Promise<S.SedIdentity> {
    const q = await this.query(device, opts);
    return {
      device: q.device,
      transport: q.transport,
      model: q.model,
      firmware: q.firmware,
      serial: q.serial,
      serialField: q.serialField,
      ssc: q.ssc,
    };
  }

  async listRanges(req: S.SedAdmin1Request, opts?: S.SedCallOptions): Promise<S.SedLockingRange[]> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const r = await this.#keyed(req, opts, [pw], (dev) => argv.listLockingRanges(pw, dev), null);
    return this.#parsed('listLockingRanges', req.device, () => parseLockingRanges(r.stdout));
  }

  async checkCredential(req: S.SedCheckCredentialRequest, opts?: S.SedCallOptions): Promise<void> {
    if (req.authority === 'Admin1') {
      await this.listRanges({ ...req, admin1Password: req.password }, opts);
      return;
    }
    const pw = passwordArgument(req.password, 'password');
    await this.#keyed(req, opts, [pw], (dev) => argv.setSIDPassword(pw, pw, dev), null);
  }

  async takeOwnership(req: S.SedTakeOwnershipRequest, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.newSidPassword, 'newSidPassword');
    await this.#keyed(req, opts, [pw], (dev) => argv.takeOwnership(pw, dev), line('takeOwnership complete'));
  }

  async activateLockingSp(req: S.SedSidRequest, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.sidPassword, 'sidPassword');
    await this.#keyed(
      req,
      opts,
      [pw],
      (dev) => argv.activateLockingSP(pw, dev),
      line('Locking SP Activate Complete'),
    );
  }

  async setSidPassword(req: S.SedChangePasswordRequest, opts?: S.SedCallOptions): Promise<void> {
    const [cur, next] = this.#passwordPair(req);
    // DTA prints nothing on success (exit 0 is the only signal); ChubbyAnt prints a line.
    await this.#keyed(req, opts, [cur, next], (dev) => argv.setSIDPassword(cur, next, dev), null);
  }

  async setAdmin1Password(req: S.SedChangePasswordRequest, opts?: S.SedCallOptions): Promise<void> {
    const [cur, next] = this.#passwordPair(req);
    await this.#keyed(
      req,
      opts,
      [cur, next],
      (dev) => argv.setAdmin1Pwd(cur, next, dev),
      line('Admin1 password changed'),
    );
  }

  async setRangeLocking(req: S.SedRangeLockingRequest, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const { range } = req;
    const modes: Record<string, [typeof argv.enableLockingRange, string]> = {
      'read-write': [argv.enableLockingRange, `LockingRange${range} enabled ReadLocking,WriteLocking`],
      'write-only': [argv.readonlyLockingRange, `LockingRange${range} enabled WriteLocking`],
      off: [argv.disableLockingRange, `LockingRange${range} disabled`],
    };
    const [build, done] = modes[req.locking] ?? this.#invalid('locking');
    await this.#keyed(req, opts, [pw], (dev) => build(range, pw, dev), line(done));
  }

  async setLockState(req: S.SedLockStateRequest, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const state =
      ({ locked: 'LK', unlocked: 'RW', 'read-only': 'RO' } as const)[req.state] ?? this.#invalid('state');
    const done = line(`LockingRange${req.range} set to ${state}`);
    await this.#keyed(req, opts, [pw], (dev) => argv.setLockingRange(req.range, state, pw, dev), done);
  }

  async setupRange(req: S.SedSetupRangeRequest, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const done = line(
      `LockingRange${req.range} starting block ${req.startLba} for ${req.lengthLba} blocks configured as unlocked range`,
    );
    await this.#keyed(
      req,
      opts,
      [pw],
      (dev) => argv.setupLockingRange(req.range, req.startLba, req.lengthLba, pw, dev),
      done,
    );
  }

  async rekeyRange(req: S.SedRangeRequest, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const done = line(`LockingRange${req.range} reKeyed`);
    await this.#keyed(req, opts, [pw], (dev) => argv.rekeyLockingRange(req.range, pw, dev), done);
  }

  async setMbrEnabled(
    req: S.SedAdmin1Request & { enabled: boolean },
    opts?: S.SedCallOptions,
  ): Promise<void> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const done = line(`MBREnable set ${req.enabled ? 'on' : 'off'}`);
    await this.#keyed(req, opts, [pw], (dev) => argv.setMBREnable(req.enabled, pw, dev), done);
  }

  async setMbrDone(req: S.SedAdmin1Request & { done: boolean }, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const done = line(`MBRDone set ${req.done ? 'on' : 'off'}`);
    await this.#keyed(req, opts, [pw], (dev) => argv.setMBRDone(req.done, pw, dev), done);
  }

  async revertLockingSp(
    req: S.SedAdmin1Request & { keepGlobalRangeData: boolean },
    opts?: S.SedCallOptions,
  ): Promise<void> {
    const pw = passwordArgument(req.admin1Password, 'admin1Password');
    const build = req.keepGlobalRangeData ? argv.revertNoErase : argv.revertLockingSP;
    await this.#keyed(req, opts, [pw], (dev) => build(pw, dev), line('Revert LockingSP complete'));
  }

  async revertTper(req: S.SedSidRequest, opts?: S.SedCallOptions): Promise<void> {
    const pw = passwordArgument(req.sidPassword, 'sidPassword');
    await this.#keyed(
      req,
      opts,
      [pw],
      (dev) => argv.revertTPer(pw, dev),
      line('revertTper completed successfully'),
    );
  }

  async sidIsFactoryMsid(req: S.SedTarget, opts?: S.SedCallOptions): Promise<boolean> {
    const r = await this.#keyed(req, opts, [], (dev) => argv.printDefaultPassword(dev), /MSID: /);
    const msid = /^MSID: (\S+)\s*$/m.exec(r.stdout)?.[1];
    if (!msid) throw new DriverError('SED_COMMAND_FAILED', 'printDefaultPassword printed no MSID');
    try {
      await this.#keyed(req, opts, [msid], (dev) => argv.proveSidIsMsid(msid, dev), null);
      return true;
    } catch (err) {
      if (isDriverError(err, 'SED_AUTH_FAILED')) return false;
      throw err;
    }
  }

  async psidRevert(req: S.SedTarget & { psid: Secret }, opts?: S.SedCallOptions): Promise<void> {
    const psid = psidArgument(req.psid);
    await this.#keyed(
      req,
      opts,
      [psid],
      (dev) => argv.psidRevert(psid, dev),
      line('revertTper completed successfully'),
    );
  }

  close(): Promise<void> {
    return this.#queue.close();
  }

  /**
   * The keyed-command protocol: canonical path, then (inside the drive's queue slot) the serial
   * check and the Opal check, then the command. Passwords were validated by the caller already.
   *
   * The serial comes from a fresh `--query` in the same slot every time, even when the drive was
   * queried moments earlier (discovery, a refresh, the previous command of a job): a device path
   * can move between any two commands, and only a read right before the command, with nothing
   * else let onto the drive in between, is identity before action (invariant 2). Reusing an
   * earlier answer would save one process per command (half of "unlock all") by widening exactly
   * the window this check exists to close.
   */
  async #keyed(
    target: S.SedTarget,
    opts: S.SedCallOptions | undefined,
    secrets: string[],
    build: (dev: string) => SedutilCommand,
    success: RegExp | null,
  ): Promise<CommandResult> {
    if (typeof target.expectedSerial !== 'string' || target.expectedSerial.trim() === '')
      this.#invalid('expectedSerial');
    build(target.device); // the builders validate ranges and LBAs: fail before touching the drive
    return this.#inOrder(target.device, opts, true, async (dev) => {
      const id = await this.#query(dev, opts);
      if (id.serial !== target.expectedSerial.trim()) {
        throw new DriverError(
          'SED_IDENTITY_MISMATCH',
          `${dev} holds serial ${id.serial}, not ${target.expectedSerial}`,
          {
            detail: { device: dev, expectedSerial: target.expectedSerial, actualSerial: id.serial },
          },
        );
      }
      if (id.ssc !== 'opal2' && id.ssc !== 'opal1') {
        throw new DriverError('SED_NOT_SUPPORTED', `${dev} is not an Opal drive (${id.ssc})`, {
          detail: { device: dev, ssc: id.ssc },
        });
      }
      const cmd = build(dev);
      const r = await this.#exec(cmd, dev, opts);
      const output = outputLines(`${r.stdout}\n${r.stderr}`).join('\n');
      if (r.exitCode !== 0 || (success && !success.test(output))) {
        throw sedutilFailure(r, { action: cmd.action, device: dev, secrets });
      }
      return r;
    });
  }

  /**
   * Resolves the device path, then puts the command in the drive's queue, in call order. Path
   * resolution is asynchronous (realpath) and its completions can overtake each other, which
   * would run "unlock, lock, unlock" sent to one drive as "unlock, unlock, lock".
   */
  #inOrder<T>(
    device: string,
    opts: S.SedCallOptions | undefined,
    needTool: boolean,
    task: (dev: string) => Promise<T>,
  ): Promise<T> {
    const admitted = this.#admission.then(async () => {
      const dev = await canonicalDevicePath(device, this.#resolve);
      if (needTool) await this.getToolInfo(opts);
      // Wrapped so that the admission chain does not wait for the command itself.
      return { run: this.#queue.run(dev, () => task(dev), opts?.signal) };
    });
    this.#admission = admitted.catch(() => undefined);
    return admitted.then((a) => a.run);
  }

  /** `--query`; "Invalid or unsupported disk" is told apart by `--isValidSED`, silent for a missing node. */
  async #query(dev: string, opts?: S.SedCallOptions): Promise<S.SedQueryResult> {
    const r = await this.#exec(argv.query(dev), dev, opts);
    if (r.exitCode === 0) return { ...this.#parsed('query', dev, () => parseQuery(r.stdout)), device: dev };
    const failure = sedutilFailure(r, { action: 'query', device: dev, secrets: [] });
    if (failure.code === 'SED_NOT_SUPPORTED') {
      const probe = await this.#exec(argv.isValidSED(dev), dev, opts);
      if (probe.exitCode === 0 && probe.stdout.trim() === '') {
        throw new DriverError('SED_DEVICE_NOT_FOUND', `no drive answers at ${dev}`, {
          detail: { device: dev },
        });
      }
    }
    throw failure;
  }

  async #detectTool(opts?: S.SedCallOptions): Promise<S.SedToolInfo> {
    const r = await this.#exec(argv.help(), '', opts);
    const info = parseToolInfo(r.stdout);
    if (!info) {
      throw new DriverError('SED_TOOL_UNSUPPORTED', undefined, {
        detail: { path: this.#o.sedutilPath, firstLine: (r.stdout.split('\n', 1)[0] ?? '').slice(0, 120) },
      });
    }
    return info;
  }

  async #exec(cmd: SedutilCommand, device: string, opts?: S.SedCallOptions): Promise<CommandResult> {
    const started = performance.now();
    const log = (extra: object) =>
      this.#o.logger?.debug(
        {
          host: this.host,
          action: cmd.action,
          device,
          durationMs: Math.round(performance.now() - started),
          ...extra,
        },
        'sedutil-cli',
      );
    try {
      const r = await this.#o.runner.run(this.#o.sedutilPath, cmd.args, {
        timeoutMs: opts?.timeoutMs ?? this.#o.timeoutMs ?? 90_000,
        ...(opts?.signal ? { signal: opts.signal } : {}),
        ...(this.#o.env ? { env: this.#o.env } : {}),
        ...(this.#o.maxOutputBytes ? { maxOutputBytes: this.#o.maxOutputBytes } : {}),
      });
      log({ exitCode: r.exitCode });
      return r;
    } catch (err) {
      log({ error: isDriverError(err) ? err.code : 'runner-failed' });
      throw err;
    }
  }

  #parsed<T>(action: string, device: string, parse: () => T): T {
    try {
      return parse();
    } catch (cause) {
      if (!(cause instanceof SedutilParseError)) throw cause;
      throw new DriverError(
        'SED_COMMAND_FAILED',
        `sedutil-cli --${action} printed output the driver cannot read`,
        {
          detail: { action, device, reason: 'unparseable-output', parser: cause.message },
          cause,
        },
      );
    }
  }

  #passwordPair(req: S.SedChangePasswordRequest): [string, string] {
    return [
      passwordArgument(req.currentPassword, 'currentPassword'),
      passwordArgument(req.newPassword, 'newPassword'),
    ];
  }

  #invalid(field: string): never {
    throw new DriverError('SED_INVALID_ARGUMENT', `invalid ${field}`, { detail: { field } });
  }
}
