import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Store } from '../../domain/repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import { tapeCall } from './tape-errors.ts';
import type { TapeInventoryService } from './tape-inventory.service.ts';
import type { TapeMountService } from './tape-mount.service.ts';

export const TAPE_VERIFY_JOB = 'tape.verify';

const ParamsSchema = z.object({ librarySerial: z.string(), barcodes: z.array(z.string()).min(1) });
export type TapeVerifyParams = z.infer<typeof ParamsSchema>;

/**
 * What a verification found on a cartridge, read from the first block's next-block status
 * (the drive reports the block's KAD without needing the key):
 * - `ok`: encrypted, and the KAD names the key the database expects;
 * - `blank`: nothing written yet (nothing to check);
 * - `plain`: data written unencrypted — a finding;
 * - `other-key`: encrypted under another key (named in the result) — a finding;
 * - `unreadable`: the drive could not tell (unsupported algorithm, not a block).
 */
export type VerifyOutcome = 'ok' | 'blank' | 'plain' | 'other-key' | 'unreadable';

export interface TapeVerifyDeps {
  store: Store;
  inventory: TapeInventoryService;
  mounts: TapeMountService;
  audit: AuditService;
  clock: Clock;
  events: DomainEvents;
}

/**
 * Mounts enrolled cartridges one by one in a free drive of their library, rewinds, reads the
 * next-block encryption status at the first block and compares its key reference with the
 * cartridge's; records the result on the cartridge and in the audit trail, then unmounts.
 * Resumable (cursor = next index) and cancellable between cartridges; findings count as
 * failed items so the job says plainly that something is wrong.
 */
export function tapeVerifyJob(d: TapeVerifyDeps): JobHandler<TapeVerifyParams> {
  return {
    kind: TAPE_VERIFY_JOB,
    paramsSchema: ParamsSchema,
    async run(ctx) {
      const { librarySerial, barcodes } = ctx.params;
      const total = barcodes.length;
      let next = typeof ctx.cursor?.next === 'number' ? ctx.cursor.next : 0;
      let failed = typeof ctx.cursor?.failed === 'number' ? ctx.cursor.failed : 0;
      const actor = ctx.job.createdBy;
      const context = { actor, requestId: null };
      await d.inventory.refreshLibrary(librarySerial);
      for (; next < total; next++) {
        ctx.signal.throwIfAborted();
        const barcode = barcodes[next] as string;
        let outcome: VerifyOutcome | 'error';
        let detail: string;
        try {
          ({ outcome, detail } = await verifyOne(d, librarySerial, barcode, context));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          outcome = 'error';
          detail = `${err.code}: ${err.message}`;
        }
        const finding = outcome !== 'ok' && outcome !== 'blank';
        if (finding) failed++;
        const now = d.clock.now().toISOString();
        await d.store.transaction(async (tx) => {
          tx.afterCommit(() => d.events.emit('cartridges:changed', { librarySerial, barcodes: [barcode] }));
          await tx.tape.updateCartridge(barcode, {
            lastVerifiedAt: now,
            verifyResult: outcome === 'ok' || outcome === 'blank' ? outcome : `${outcome}: ${detail}`,
            updatedAt: now,
          });
          await d.audit.record(tx, {
            actor,
            action: 'tape.verify',
            target: `cartridge:${barcode}`,
            outcome: finding ? 'failure' : 'success',
            requestId: null,
            details: { library: librarySerial, result: outcome, detail, jobId: ctx.job.id },
          });
        });
        await ctx.progress({
          done: next + 1,
          total,
          failedItems: failed,
          cursor: { next: next + 1, failed },
        });
      }
    },
  };
}

export async function verifyOne(
  d: TapeVerifyDeps,
  librarySerial: string,
  barcode: string,
  ctx: { actor: string; requestId: null },
): Promise<{ outcome: VerifyOutcome; detail: string }> {
  const cart = await d.store.tape.findCartridge(barcode);
  if (!cart) throw new AppError('TAPE_NOT_ENROLLED', `${barcode} is not enrolled`);
  const driveSerial = await mountInFreeDrive(d, librarySerial, barcode, ctx);
  try {
    const drive = d.inventory.drive(driveSerial).driver;
    const status = await tapeCall(`read ${barcode} in ${driveSerial}`, async () => {
      await drive.rewind();
      const first = await drive.getNextBlockStatus();
      if (first.state !== 'not-yet') return first;
      // Some drives (IBM) cannot tell before the block has been read once (status 1h): read
      // it without a key. End of data means a blank tape; an encrypted block fails to decrypt
      // without moving, and the status then names its key.
      const probe = await drive.readBlock(64 * 1024).then(
        (r) => r.kind,
        () => 'refused' as const,
      );
      if (probe === 'data') return { ...first, state: 'plain' as const };
      if (probe !== 'refused') return { ...first, state: 'blank' as const };
      return drive.getNextBlockStatus();
    });
    switch (status.state) {
      case 'blank':
      case 'no-medium':
        return { outcome: 'blank', detail: 'nothing written yet' };
      case 'plain':
        return { outcome: 'plain', detail: 'the first block is not encrypted' };
      case 'encrypted':
      case 'encrypted-key-missing': {
        const onTape = status.keyId?.trim();
        return onTape === cart.keyRef
          ? { outcome: 'ok', detail: `encrypted under ${onTape}` }
          : {
              outcome: 'other-key',
              detail: `encrypted under ${onTape ?? 'a key with no U-KAD'}, expected ${cart.keyRef}`,
            };
      }
      default:
        return { outcome: 'unreadable', detail: `next-block status ${status.state}` };
    }
  } finally {
    await d.mounts.unmount(librarySerial, { driveSerial }, ctx);
  }
}

/** Mounts into the first empty drive of the library that takes the cartridge. */
async function mountInFreeDrive(
  d: TapeVerifyDeps,
  librarySerial: string,
  barcode: string,
  ctx: { actor: string; requestId: null },
): Promise<string> {
  const lib = await d.inventory.libraryFresh(librarySerial);
  const free = lib.elements.filter((e) => e.kind === 'drive' && !e.full && e.driveSerial);
  let last: unknown = new AppError(
    'TAPE_NOT_READY',
    `No empty drive in library ${librarySerial} to verify ${barcode}`,
  );
  for (const element of free) {
    const serial = element.driveSerial as string;
    try {
      await d.mounts.mount(librarySerial, { barcode, driveSerial: serial }, ctx);
      return serial;
    } catch (err) {
      // A drive of an older generation cannot take it: try the next one.
      if (
        err instanceof AppError &&
        (err.code === 'TAPE_INCOMPATIBLE_MEDIUM' || err.code === 'LIBRARY_DESTINATION_FULL')
      ) {
        last = err;
        continue;
      }
      throw err;
    }
  }
  throw last;
}
