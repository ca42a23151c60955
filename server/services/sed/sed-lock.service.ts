import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { SedDriveRecord } from '../../domain/sed-repositories.ts';
import type { AuditService } from '../audit.service.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { withSedPassword } from './sed-credentials.ts';
import { sedCall } from './sed-errors.ts';
import type { SedInventoryService } from './sed-inventory.service.ts';
import type { SedFleet, SedLockMode } from './sed-port.ts';
import { readSedRanges } from './sed-ranges.ts';

const MODE_WORDS: Record<SedLockMode, string> = { LK: 'lock', RW: 'unlock', RO: 'read-only' };

/**
 * Lock, unlock and read-only per drive and range, with the escrowed Admin1 credential. Calls
 * on one drive are serialised here too (the driver does as well): Opal allows one session.
 */
export class SedLockService {
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(
    private readonly d: {
      store: Store;
      sed: SedFleet;
      secrets: ManagedSecretsService;
      inventory: SedInventoryService;
      audit: AuditService;
    },
  ) {}

  async setLock(
    driveId: string,
    range: number,
    mode: SedLockMode,
    ctx: { actor: string; requestId: string | null; refresh?: boolean },
  ): Promise<SedDriveRecord> {
    return this.serialised(driveId, () => this.apply(driveId, range, mode, ctx));
  }

  /** Lists the drive's locking ranges (Admin1) and records them on the drive (`sed.ranges.read`). */
  async readRanges(
    driveId: string,
    ctx: { actor: string; requestId: string | null },
  ): Promise<SedDriveRecord> {
    return this.serialised(driveId, async () =>
      readSedRanges(this.d, await this.d.inventory.require(driveId), ctx),
    );
  }

  private async serialised<T>(driveId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(driveId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    this.busy.set(driveId, run);
    try {
      return await run;
    } finally {
      if (this.busy.get(driveId) === run) this.busy.delete(driveId);
    }
  }

  private async apply(
    driveId: string,
    range: number,
    mode: SedLockMode,
    ctx: { actor: string; requestId: string | null; refresh?: boolean },
  ) {
    const drive = await this.d.inventory.require(driveId);
    if (!drive.admin1SecretId || (drive.state !== 'enrolled' && drive.state !== 'rotating')) {
      throw new AppError('SED_NOT_ENROLLED', `${drive.model} ${drive.serial} is not enrolled`);
    }
    const use = mode === 'LK' ? 'protect' : 'process';
    try {
      await withSedPassword(
        this.d,
        drive.admin1SecretId,
        use,
        { ...ctx, purpose: `${MODE_WORDS[mode]} range ${range}` },
        (admin1) =>
          sedCall(`${MODE_WORDS[mode]} ${drive.serial}`, () =>
            this.d.sed.port(drive.host).setLockingRange(drive.devicePath, range, mode, admin1, drive.serial),
          ),
      );
    } catch (err) {
      await this.audit(
        drive,
        range,
        mode,
        ctx,
        'failure',
        err instanceof AppError ? err.code : 'INTERNAL_ERROR',
      );
      throw err;
    }
    await this.audit(drive, range, mode, ctx, 'success', null);
    // Bulk work (unlock all) skips the read-back (more sedutil processes per drive) and records
    // the lock bits the drive just accepted; the next discovery re-reads the rest.
    if (ctx.refresh === false) return this.d.inventory.recordLockState(drive, range, mode);
    if (drive.state !== 'enrolled') return this.d.inventory.refresh(driveId);
    try {
      // The ranges as the drive now holds them: one more command (after the identity check),
      // which also gives the Level-0 lock bit. The query's other bits do not change with a lock.
      return await readSedRanges(this.d, drive, ctx);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // The lock change stands (and is audited); only the read-back failed (audited too).
      return this.d.inventory.recordLockState(drive, range, mode);
    }
  }

  private async audit(
    drive: SedDriveRecord,
    range: number,
    mode: SedLockMode,
    ctx: { actor: string; requestId: string | null },
    outcome: 'success' | 'failure',
    error: string | null,
  ) {
    await this.d.store.transaction((tx) =>
      this.d.audit.record(tx, {
        actor: ctx.actor,
        action: `sed.${MODE_WORDS[mode]}`,
        target: `sed:${drive.serial}`,
        outcome,
        requestId: ctx.requestId,
        details: { range, devicePath: drive.devicePath, host: drive.host, ...(error && { error }) },
      }),
    );
  }
}
