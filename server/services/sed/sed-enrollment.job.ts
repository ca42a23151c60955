import { z } from 'zod';
import { AppError, isAppError } from '../../domain/errors.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Store } from '../../domain/repositories.ts';
import type { SedDriveRecord } from '../../domain/sed-repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { JobContext, JobHandler } from '../jobs/job-runner.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { SED_DOMAIN, escrowSedCredentials, withSedPassword, withTwoSedPasswords } from './sed-credentials.ts';
import { sedCall } from './sed-errors.ts';
import type { SedInventoryService } from './sed-inventory.service.ts';
import type { SedFleet } from './sed-port.ts';
import { readSedRanges } from './sed-ranges.ts';

export const SED_ENROLL_JOB = 'sed.enroll';
export { SED_DOMAIN };

/** Enrollment steps, each recorded on the drive row right after it succeeded. */
export const ENROLL_STEPS = [
  'escrowed',
  'owned',
  'activated',
  'admin1-set',
  'range-enabled',
  'mbr-off',
] as const;
type Step = (typeof ENROLL_STEPS)[number];

const ParamsSchema = z.object({ driveId: z.string() });
type Params = z.infer<typeof ParamsSchema>;

export interface SedEnrollDeps {
  store: Store;
  sed: SedFleet;
  secrets: ManagedSecretsService;
  inventory: SedInventoryService;
  audit: AuditService;
  events: DomainEvents;
  clock: Clock;
}

/**
 * Brings an Opal drive under management, crash-safe (invariant 1): both credentials are
 * generated in the HSM and committed before the drive sees either, and every step is recorded
 * after it succeeds. On resume each step is retried; where the drive may already have taken a
 * step whose record was lost, the next step's authentication decides, and an authentication
 * failure is never retried blindly (tries count towards lockout).
 */
export function sedEnrollmentJob(d: SedEnrollDeps): JobHandler<Params> {
  const ctxOf = (job: JobContext<Params>, purpose: string) => ({
    actor: job.job.createdBy,
    requestId: null,
    purpose,
  });

  async function record(drive: SedDriveRecord, step: Step, extra: Partial<SedDriveRecord> = {}) {
    const now = d.clock.now().toISOString();
    await d.store.sedDrives.update(drive.id, { step, updatedAt: now, ...extra });
    Object.assign(drive, { step, updatedAt: now, ...extra });
    d.inventory.publish(drive);
  }

  async function escrow(job: JobContext<Params>, drive: SedDriveRecord) {
    const ids = await escrowSedCredentials(d.secrets, drive.serial, job.job.createdBy);
    await record(drive, 'escrowed', {
      pendingSidSecretId: ids.sid,
      pendingAdmin1SecretId: ids.admin1,
      state: 'enrolling',
      lastError: null,
    });
  }

  type StepFn = (job: JobContext<Params>, drive: SedDriveRecord, resumed: boolean) => Promise<void>;
  const steps: Record<Exclude<Step, 'escrowed'>, StepFn> = {
    owned: (job, drive, resumed) =>
      withSedPassword(
        d,
        drive.pendingSidSecretId as string,
        'provision',
        ctxOf(job, 'take ownership'),
        (sid) =>
          sedCall('take ownership', () =>
            d.sed.port(drive.host).takeOwnership(drive.devicePath, sid, drive.serial),
          ),
      ).catch((err: unknown) => {
        if (!isAppError(err, 'SED_AUTH_FAILED')) throw err;
        // Resumed after a crash: the drive may have taken our new SID before the step was
        // recorded, so the MSID no longer opens it. Activation authenticates with the new SID
        // and settles it. On a first attempt, the drive simply belongs to someone else.
        if (resumed) return;
        throw new AppError(
          'SED_ALREADY_OWNED',
          `${drive.model} ${drive.serial} is already owned (its SID is not the factory MSID); revert it before enrolling`,
          { cause: err },
        );
      }),
    activated: async (job, drive) => {
      const status = (await d.inventory.refresh(drive.id)).status;
      if (status.lockingEnabled) return; // activated before the crash
      await withSedPassword(
        d,
        drive.pendingSidSecretId as string,
        'provision',
        ctxOf(job, 'activate Locking SP'),
        (sid) =>
          sedCall('activate Locking SP', () =>
            d.sed.port(drive.host).activateLockingSp(drive.devicePath, sid, drive.serial),
          ),
      ).catch((err: unknown) => {
        if (isAppError(err, 'SED_AUTH_FAILED')) {
          throw new AppError(
            'SED_ALREADY_OWNED',
            `${drive.serial}: the escrowed SID does not open the drive; it is owned by someone else`,
            { cause: err },
          );
        }
        throw err;
      });
    },
    'admin1-set': (job, drive, resumed) =>
      withTwoSedPasswords(
        d,
        { id: drive.pendingSidSecretId as string, use: 'provision' },
        { id: drive.pendingAdmin1SecretId as string, use: 'provision' },
        ctxOf(job, 'set Admin1 password'),
        async (sid, admin1) => {
          // Activation copied the SID PIN into Admin1. When resuming right at this step the
          // change may already have happened: the new Admin1 password proves it. A fresh run
          // skips the check, which would spend a failed authentication.
          const done =
            resumed &&
            (await sedCall('verify Admin1', () =>
              d.sed.port(drive.host).verifyAdmin1(drive.devicePath, admin1, drive.serial),
            ).then(
              () => true,
              () => false,
            ));
          if (!done)
            await sedCall('set Admin1 password', () =>
              d.sed.port(drive.host).setAdmin1Password(drive.devicePath, sid, admin1, drive.serial),
            );
        },
      ),
    'range-enabled': (job, drive) =>
      withSedPassword(
        d,
        drive.pendingAdmin1SecretId as string,
        'provision',
        ctxOf(job, 'enable global range locking'),
        (admin1) =>
          sedCall('enable locking on range 0', () =>
            d.sed.port(drive.host).enableLockingRange(drive.devicePath, 0, admin1, drive.serial),
          ),
      ),
    'mbr-off': async (job, drive) => {
      // Data drives must not boot into an (empty) shadow MBR after the next power cycle.
      // Drives without MBR shadowing (enterprise NVMe) refuse the call (SED_NOT_SUPPORTED):
      // there is nothing to turn off, and the step is done.
      await withSedPassword(
        d,
        drive.pendingAdmin1SecretId as string,
        'provision',
        ctxOf(job, 'disable MBR shadow'),
        (admin1) =>
          sedCall('disable MBR shadow', () =>
            d.sed.port(drive.host).setMbrEnable(drive.devicePath, false, admin1, drive.serial),
          ),
      ).catch((err: unknown) => {
        if (!isAppError(err, 'SED_NOT_SUPPORTED')) throw err;
      });
    },
  };

  async function finish(job: JobContext<Params>, drive: SedDriveRecord) {
    const sidId = drive.pendingSidSecretId as string;
    const admin1Id = drive.pendingAdmin1SecretId as string;
    for (const id of [sidId, admin1Id]) {
      const s = await d.secrets.get(id);
      if (s.state === 'pre-active')
        await d.secrets.transition(id, 'activate', {
          actor: job.job.createdBy,
          requestId: null,
          reason: `enrollment of ${drive.serial}`,
        });
    }
    const now = d.clock.now().toISOString();
    await d.store.transaction(async (tx) => {
      await tx.sedDrives.update(drive.id, {
        state: 'enrolled',
        step: null,
        sidSecretId: sidId,
        admin1SecretId: admin1Id,
        pendingSidSecretId: null,
        pendingAdmin1SecretId: null,
        lastError: null,
        updatedAt: now,
      });
      await d.audit.record(tx, {
        actor: job.job.createdBy,
        action: 'sed.enroll',
        target: `sed:${drive.serial}`,
        outcome: 'success',
        requestId: null,
        details: {
          jobId: job.job.id,
          devicePath: drive.devicePath,
          sidSecret: sidId,
          admin1Secret: admin1Id,
        },
      });
    });
    const enrolled = await d.inventory.refresh(drive.id);
    // The ranges as the drive now holds them (the global range enforcing read and write locks).
    // Enrollment is done whatever this gives: a failed read is audited and the drive page offers
    // to read them again.
    await readSedRanges(d, enrolled, { actor: job.job.createdBy, requestId: null }).catch(() => undefined);
  }

  /** Pending credentials the drive never accepted: destroyed, and the drive record forgets them. */
  async function discardPending(job: JobContext<Params>, driveId: string): Promise<void> {
    const current = await d.inventory.require(driveId);
    if (current.step !== 'escrowed' && current.step !== null) return;
    for (const id of [current.pendingSidSecretId, current.pendingAdmin1SecretId]) {
      if (!id) continue;
      const s = await d.secrets.get(id);
      if (s.state === 'pre-active')
        await d.secrets.discardUnused(id, {
          actor: job.job.createdBy,
          requestId: null,
          reason: `enrollment of ${current.serial} refused: the drive is owned by someone else`,
        });
    }
    await d.store.sedDrives.update(driveId, {
      pendingSidSecretId: null,
      pendingAdmin1SecretId: null,
      step: null,
      updatedAt: d.clock.now().toISOString(),
    });
  }

  return {
    kind: SED_ENROLL_JOB,
    paramsSchema: ParamsSchema,
    async run(job) {
      const drive = await d.inventory.require(job.params.driveId);
      if (drive.state === 'enrolled') return;
      const total = ENROLL_STEPS.length + 1;
      const resumed = drive.step !== null && drive.pendingSidSecretId !== null;
      try {
        if (!resumed) await escrow(job, drive);
        const first = ENROLL_STEPS.indexOf(drive.step as Step) + 1;
        for (let i = first; i < ENROLL_STEPS.length; i++) {
          job.signal.throwIfAborted();
          const step = ENROLL_STEPS[i] as Exclude<Step, 'escrowed'>;
          // Only the first step of a resumed run may have happened already without a record.
          await steps[step](job, drive, resumed && i === first);
          await record(drive, step);
          await job.progress({ done: i + 1, total, cursor: { step } });
        }
        await finish(job, drive);
        await job.progress({ done: total, total, cursor: { step: 'done' } });
      } catch (err) {
        if (job.signal.aborted) throw err; // shutdown or cancel: the recorded step stays for resuming
        if (isAppError(err, 'SED_ALREADY_OWNED') && !resumed && drive.step === 'escrowed') {
          // The drive refused our SID at the first step: the escrowed pair never reached it.
          await discardPending(job, drive.id);
        }
        const message = isAppError(err)
          ? `${err.code}: ${err.message}`
          : 'enrollment failed; see the server log';
        await d.store.sedDrives.update(drive.id, {
          state: 'enroll-failed',
          lastError: message,
          updatedAt: d.clock.now().toISOString(),
        });
        d.inventory.publish({ ...drive, state: 'enroll-failed', lastError: message });
        throw err instanceof AppError ? err : new AppError('SED_COMMAND_FAILED', message, { cause: err });
      }
    },
  };
}
