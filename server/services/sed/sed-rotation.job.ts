import { z } from 'zod';
import { AppError, isAppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { SedDriveRecord } from '../../domain/sed-repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { JobContext, JobHandler } from '../jobs/job-runner.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { escrowSedCredentials, withTwoSedPasswords } from './sed-credentials.ts';
import { sedCall } from './sed-errors.ts';
import type { SedInventoryService } from './sed-inventory.service.ts';
import type { SedFleet } from './sed-port.ts';

export const SED_ROTATE_JOB = 'sed.rotate';

const ParamsSchema = z.object({ driveId: z.string() });
type Params = z.infer<typeof ParamsSchema>;

/**
 * Credential rotation, two-phase and crash-safe (ARCHITECTURE.md §5): (1) new Admin1 and SID
 * credentials are generated and escrowed as pending; (2) the drive is changed, Admin1 first,
 * then SID, each step recorded; (3) the old credentials are deactivated and the new ones made
 * current. On resume, whether a change already happened is settled by proving the NEW
 * credential (a harmless read), never by failing with the old one.
 */
export function sedRotationJob(d: {
  store: Store;
  sed: SedFleet;
  secrets: ManagedSecretsService;
  inventory: SedInventoryService;
  audit: AuditService;
  clock: Clock;
}): JobHandler<Params> {
  const ctxOf = (job: JobContext<Params>, purpose: string) => ({
    actor: job.job.createdBy,
    requestId: null,
    purpose,
  });

  async function record(drive: SedDriveRecord, patch: Partial<SedDriveRecord>) {
    const now = d.clock.now().toISOString();
    await d.store.sedDrives.update(drive.id, { ...patch, updatedAt: now });
    Object.assign(drive, patch, { updatedAt: now });
    d.inventory.publish(drive);
  }

  async function escrow(job: JobContext<Params>, drive: SedDriveRecord) {
    const ids = await escrowSedCredentials(d.secrets, drive.serial, job.job.createdBy);
    await record(drive, {
      state: 'rotating',
      step: 'escrowed',
      pendingSidSecretId: ids.sid,
      pendingAdmin1SecretId: ids.admin1,
      lastError: null,
    });
  }

  async function changeAdmin1(job: JobContext<Params>, drive: SedDriveRecord) {
    // Only a resumed attempt checks the new credential first: a fresh one would spend a
    // failed authentication (it counts towards lockout) on every rotation.
    const resumed = drive.step === 'admin1-attempted';
    if (!resumed) await record(drive, { step: 'admin1-attempted' });
    await withTwoSedPasswords(
      d,
      { id: drive.admin1SecretId as string, use: 'process' },
      { id: drive.pendingAdmin1SecretId as string, use: 'provision' },
      ctxOf(job, 'rotate Admin1'),
      async (current, next) => {
        const already =
          resumed &&
          (await d.sed
            .port(drive.host)
            .verifyAdmin1(drive.devicePath, next, drive.serial)
            .then(
              () => true,
              () => false,
            ));
        if (!already)
          await sedCall('change Admin1 password', () =>
            d.sed.port(drive.host).setAdmin1Password(drive.devicePath, current, next, drive.serial),
          );
      },
    );
    await record(drive, { step: 'admin1-changed' });
  }

  async function changeSid(job: JobContext<Params>, drive: SedDriveRecord, resumed: boolean) {
    await withTwoSedPasswords(
      d,
      { id: drive.sidSecretId as string, use: 'process' },
      { id: drive.pendingSidSecretId as string, use: 'provision' },
      ctxOf(job, 'rotate SID'),
      (current, next) =>
        sedCall('change SID password', () =>
          d.sed.port(drive.host).setSidPassword(drive.devicePath, current, next, drive.serial),
        ).catch((err: unknown) => {
          // After a crash the SID may already be the new one; SID has no harmless read in
          // sedutil 1.20, so one failed attempt with the old PIN is the price of knowing.
          if (isAppError(err, 'SED_AUTH_FAILED') && resumed) return;
          throw err;
        }),
    );
    await record(drive, { step: 'sid-changed' });
  }

  async function finish(job: JobContext<Params>, drive: SedDriveRecord) {
    const actor = job.job.createdBy;
    for (const id of [drive.pendingSidSecretId as string, drive.pendingAdmin1SecretId as string]) {
      if ((await d.secrets.get(id)).state === 'pre-active')
        await d.secrets.transition(id, 'activate', {
          actor,
          requestId: null,
          reason: `rotation of ${drive.serial}`,
        });
    }
    for (const id of [drive.sidSecretId as string, drive.admin1SecretId as string]) {
      if ((await d.secrets.get(id)).state === 'active')
        await d.secrets.transition(id, 'deactivate', {
          actor,
          requestId: null,
          reason: `replaced by rotation of ${drive.serial}`,
        });
    }
    await d.store.transaction(async (tx) => {
      await tx.sedDrives.update(drive.id, {
        state: 'enrolled',
        step: null,
        sidSecretId: drive.pendingSidSecretId,
        admin1SecretId: drive.pendingAdmin1SecretId,
        pendingSidSecretId: null,
        pendingAdmin1SecretId: null,
        updatedAt: d.clock.now().toISOString(),
      });
      await d.audit.record(tx, {
        actor,
        action: 'sed.rotate',
        target: `sed:${drive.serial}`,
        outcome: 'success',
        requestId: null,
        details: {
          jobId: job.job.id,
          oldAdmin1: drive.admin1SecretId,
          newAdmin1: drive.pendingAdmin1SecretId,
        },
      });
    });
    await d.inventory.refresh(drive.id);
  }

  return {
    kind: SED_ROTATE_JOB,
    paramsSchema: ParamsSchema,
    async run(job) {
      const drive = await d.inventory.require(job.params.driveId);
      if (!drive.admin1SecretId || !drive.sidSecretId)
        throw new AppError('SED_NOT_ENROLLED', `${drive.serial} is not enrolled`);
      try {
        if (drive.state !== 'rotating' || !drive.pendingAdmin1SecretId) await escrow(job, drive);
        await job.progress({ done: 1, total: 4, cursor: { step: drive.step } });
        if (drive.step === 'escrowed' || drive.step === 'admin1-attempted') await changeAdmin1(job, drive);
        await job.progress({ done: 2, total: 4, cursor: { step: drive.step } });
        if (drive.step === 'admin1-changed' || drive.step === 'sid-attempted') {
          const resumed = drive.step === 'sid-attempted';
          if (!resumed) await record(drive, { step: 'sid-attempted' });
          await changeSid(job, drive, resumed);
        }
        await job.progress({ done: 3, total: 4, cursor: { step: drive.step } });
        await finish(job, drive);
        await job.progress({ done: 4, total: 4, cursor: { step: 'done' } });
      } catch (err) {
        if (job.signal.aborted) throw err;
        const message = isAppError(err)
          ? `${err.code}: ${err.message}`
          : 'rotation failed; see the server log';
        await d.store.sedDrives.update(drive.id, {
          lastError: message,
          updatedAt: d.clock.now().toISOString(),
        });
        throw err;
      }
    },
  };
}
