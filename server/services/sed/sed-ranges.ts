import { AppError, isAppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { SedDriveRecord } from '../../domain/sed-repositories.ts';
import type { AuditService } from '../audit.service.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { withSedPassword } from './sed-credentials.ts';
import { sedCall } from './sed-errors.ts';
import type { SedInventoryService } from './sed-inventory.service.ts';
import type { SedFleet } from './sed-port.ts';

export interface SedRangesDeps {
  store: Store;
  sed: SedFleet;
  secrets: ManagedSecretsService;
  inventory: SedInventoryService;
  audit: AuditService;
}

/**
 * Lists an enrolled drive's locking ranges with its escrowed Admin1 credential (unwrapped for
 * `process` use, which audits `secret.use`) and records them on the drive with a
 * `sed.ranges.read` audit record. One sedutil command after the driver's identity check. A
 * refused credential is reported and never retried: every try counts towards lockout.
 *
 * Only `enrolled` drives: during a rotation the drive may already hold the pending Admin1, and
 * a read is not worth spending one of its tries on.
 */
export async function readSedRanges(
  d: SedRangesDeps,
  drive: SedDriveRecord,
  ctx: { actor: string; requestId: string | null },
): Promise<SedDriveRecord> {
  const admin1 = drive.admin1SecretId;
  if (!admin1 || drive.state !== 'enrolled') {
    const why = drive.state === 'rotating' ? 'is rotating its credentials' : 'is not enrolled';
    throw new AppError('SED_NOT_ENROLLED', `${drive.model} ${drive.serial} ${why}`);
  }
  let ranges;
  try {
    ranges = await withSedPassword(
      d,
      admin1,
      'process',
      { ...ctx, purpose: 'read locking ranges' },
      (password) =>
        sedCall(`read locking ranges of ${drive.serial}`, () =>
          d.sed.port(drive.host).listRanges(drive.devicePath, password, drive.serial),
        ),
    );
  } catch (err) {
    await d.store.transaction((tx) =>
      d.audit.record(tx, {
        actor: ctx.actor,
        action: 'sed.ranges.read',
        target: `sed:${drive.serial}`,
        outcome: 'failure',
        requestId: ctx.requestId,
        details: {
          devicePath: drive.devicePath,
          host: drive.host,
          error: isAppError(err) ? err.code : 'INTERNAL_ERROR',
        },
      }),
    );
    throw err;
  }
  return d.inventory.recordRanges(drive.id, ranges, ctx);
}
