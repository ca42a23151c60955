import type { MountRequest, TapeLibrary, UnmountRequest } from '../../../shared/schemas/tape.ts';
import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { AuditService } from '../audit.service.ts';
import { tapeCall } from './tape-errors.ts';
import type { TapeInventoryService } from './tape-inventory.service.ts';

export interface MoveOutcome {
  barcode: string | null;
  source: number;
  destination: number;
  library: TapeLibrary;
}

interface Ctx {
  actor: string;
  requestId: string | null;
}

/**
 * Mount and unmount through a library's robot, one move at a time per library, each audited
 * (success and failure, with the device's sense in the error). A refused move changes nothing:
 * the library checks full and empty elements before the picker moves.
 */
export class TapeMountService {
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(private readonly d: { store: Store; inventory: TapeInventoryService; audit: AuditService }) {}

  mount(librarySerial: string, req: MountRequest, ctx: Ctx): Promise<MoveOutcome> {
    return this.serialised(librarySerial, async () => {
      const lib = this.d.inventory.library(librarySerial);
      const details = { library: librarySerial, drive: req.driveSerial };
      const result = await this.audited('tape.mount', `cartridge:${req.barcode}`, details, ctx, () =>
        tapeCall(`mount ${req.barcode} in drive ${req.driveSerial}`, () =>
          lib.driver.mount({ barcode: req.barcode, driveSerial: req.driveSerial }),
        ),
      );
      return this.outcome(librarySerial, { barcode: req.barcode, ...result });
    });
  }

  /**
   * Unthreads the cartridge through the drive first when the console knows the drive (the
   * drive clears CKOD keys at unload; some libraries refuse to pull a threaded tape), then
   * moves it home, to `destination`, or to the first empty slot.
   */
  unmount(librarySerial: string, req: UnmountRequest, ctx: Ctx): Promise<MoveOutcome> {
    return this.serialised(librarySerial, async () => {
      const lib = this.d.inventory.library(librarySerial);
      const inDrive = lib.elements.find((e) => e.kind === 'drive' && e.driveSerial === req.driveSerial);
      const target = inDrive?.barcode ? `cartridge:${inDrive.barcode}` : `tape-drive:${req.driveSerial}`;
      const details = { library: librarySerial, drive: req.driveSerial };
      const result = await this.audited('tape.unmount', target, details, ctx, async () => {
        const drive = this.knownDrive(req.driveSerial);
        if (drive) {
          const medium = await tapeCall(`read drive ${req.driveSerial}`, () => drive.getMediumState());
          if (medium.loaded) await tapeCall(`unload drive ${req.driveSerial}`, () => drive.unload());
        }
        return tapeCall(`unmount from drive ${req.driveSerial}`, () =>
          lib.driver.unmount({
            driveSerial: req.driveSerial,
            ...(req.destination !== undefined && { destination: req.destination }),
          }),
        );
      });
      return this.outcome(librarySerial, { barcode: result.barcode ?? null, ...result });
    });
  }

  private knownDrive(serial: string) {
    try {
      return this.d.inventory.drive(serial).driver;
    } catch (err) {
      if (err instanceof AppError && err.code === 'DEVICE_NOT_FOUND') return undefined;
      throw err;
    }
  }

  private async outcome(
    librarySerial: string,
    r: { barcode?: string | null; source: number; destination: number },
  ): Promise<MoveOutcome> {
    const library = await this.d.inventory.refreshLibrary(librarySerial);
    return { barcode: r.barcode ?? null, source: r.source, destination: r.destination, library };
  }

  /** Runs `fn` and records one audit entry for its outcome, failure included. */
  private async audited<T extends { source: number; destination: number }>(
    action: string,
    target: string,
    details: Record<string, unknown>,
    ctx: Ctx,
    fn: () => Promise<T>,
  ): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      const error = err instanceof AppError ? err.code : 'INTERNAL_ERROR';
      const sense =
        err instanceof AppError ? err.details?.find((x) => x.path === 'sense')?.message : undefined;
      await this.record(action, target, ctx, 'failure', { ...details, error, ...(sense && { sense }) });
      throw err;
    }
    await this.record(action, target, ctx, 'success', {
      ...details,
      source: result.source,
      destination: result.destination,
    });
    return result;
  }

  private async record(
    action: string,
    target: string,
    ctx: Ctx,
    outcome: 'success' | 'failure',
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.d.store.transaction((tx) =>
      this.d.audit.record(tx, {
        actor: ctx.actor,
        action,
        target,
        outcome,
        requestId: ctx.requestId,
        details,
      }),
    );
  }

  private async serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    this.busy.set(key, run);
    try {
      return await run;
    } finally {
      if (this.busy.get(key) === run) this.busy.delete(key);
    }
  }
}
