import type { SedCommandInfo, SedSimBehavior } from './behaviors.ts';
import type { DriveModel } from './data/drive-models.ts';
import { authenticate, type OpalAuthority, type OpalSp } from './opal-state.ts';
import type { SedutilOutput } from './sedutil-log.ts';
import type { ParsedCommand } from './sedutil-options.ts';
import type { SimDrive } from './sim-types.ts';
import { TCG, tcgStatusName } from './tcg-status.ts';

/** Everything an action program needs; built inside the store's critical section. */
export interface ActionContext {
  out: SedutilOutput;
  cmd: ParsedCommand;
  /** The device path as typed (sedutil echoes it). */
  device: string;
  drive: SimDrive;
  model: DriveModel;
  /** The credential arguments as they go on the wire (hashed unless -n; PSID raw). */
  pins: { password: Buffer; newpassword: Buffer };
  /** --loadPBAimage: the file, read before the critical section (null: could not be opened). */
  pba: { bytes: number; sha256: string } | null;
  sessions: SessionManager;
}

/** An action as sedutil's DtaDevOpal method: it logs what sedutil logs and returns its exit code. */
export type ActionProgram = (ctx: ActionContext) => number;

export const ADMIN1: OpalAuthority = { kind: 'admin', n: 1 };
export const SID: OpalAuthority = { kind: 'sid' };
export const ANYBODY: OpalAuthority = { kind: 'anybody' };

/**
 * DtaSession's observable behaviour: StartSession goes through the behaviors, the "one session
 * per drive" rule (another process's open session → SP_BUSY) and authentication; failures log
 * `method status code X` / `Session start failed rc = N`.
 */
export class SessionManager {
  #index = 0;
  /** Sessions that opened (a command that opened none held nothing on the drive). */
  opened = 0;
  /** The authority of the open session (methods are authorised against it). */
  who: OpalAuthority = ANYBODY;

  constructor(
    private readonly env: {
      out: SedutilOutput;
      drive: SimDrive;
      model: DriveModel;
      info: SedCommandInfo;
      behaviors: readonly SedSimBehavior[];
      runId: string;
      now: number;
    },
  ) {}

  start(sp: OpalSp, who: OpalAuthority, credential: Buffer | null): number {
    const { drive, model, info, behaviors } = this.env;
    const s = { ...info, drive, sp, who, sessionIndex: this.#index++ };
    let rc: number | undefined;
    for (const b of behaviors) rc ??= b.onSessionStart?.(s);
    const busy =
      drive.session && drive.session.owner !== this.env.runId && drive.session.until > this.env.now;
    if (rc === undefined && busy) rc = TCG.SP_BUSY;
    rc ??= authenticate(drive, model, sp, who, credential);
    if (rc !== TCG.SUCCESS) {
      this.method(rc);
      this.env.out.error(`Session start failed rc = ${rc}`);
      return rc;
    }
    this.who = who;
    this.opened++;
    return rc;
  }

  /** The destructor of a session that never opened: its EndSession gets an empty answer. */
  abandon(): void {
    this.env.out.error('One or more header fields have 0 length');
    this.env.out.error('EndSession Failed');
  }

  /** sendCommand's check of a method's status: logs and passes a failure through. */
  method(status: number): number {
    if (status !== TCG.SUCCESS) this.env.out.error(`method status code ${tcgStatusName(status)}`);
    return status;
  }

  /** Start an Admin1 session on the Locking SP, abandoning it on failure (most actions begin so). */
  admin1(credential: Buffer): number {
    const rc = this.start('locking', ADMIN1, credential);
    if (rc) this.abandon();
    return rc;
  }
}
