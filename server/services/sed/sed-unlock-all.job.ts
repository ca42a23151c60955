import { z } from 'zod';
import { isAppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import type { SedLockService } from './sed-lock.service.ts';

export const SED_UNLOCK_ALL_JOB = 'sed.unlock-all';

const ParamsSchema = z.object({
  host: z.string().optional(),
  concurrency: z.number().int().min(1).max(64).default(8),
});
type Params = z.infer<typeof ParamsSchema>;

/**
 * "Unlock all" after a power loss: every enrolled drive of a host (or the fleet) gets its
 * global range unlocked, with bounded concurrency (one Opal session per drive, several drives
 * at once). Per-drive results are kept in the cursor, so a resumed job skips drives already
 * unlocked, and a failing drive never stops the others.
 */
export function sedUnlockAllJob(d: { store: Store; locks: SedLockService }): JobHandler<Params> {
  return {
    kind: SED_UNLOCK_ALL_JOB,
    paramsSchema: ParamsSchema,
    async run(job) {
      const drives = await d.store.sedDrives.listAll({
        host: job.params.host,
        states: ['enrolled', 'rotating'],
      });
      const results: Record<string, string> = {
        ...((job.cursor?.results as Record<string, string> | undefined) ?? {}),
      };
      const todo = drives.filter((drv) => results[drv.id] !== 'ok');
      let done = drives.length - todo.length;
      let failed = 0;
      let next = 0;
      let saving = Promise.resolve();
      const save = () => {
        saving = saving.then(() =>
          job.progress({
            done: done + failed,
            total: drives.length,
            failedItems: failed,
            cursor: { results },
          }),
        );
        return saving;
      };
      const worker = async () => {
        while (next < todo.length && !job.signal.aborted) {
          const drive = todo[next++]!;
          try {
            await d.locks.setLock(drive.id, 0, 'RW', {
              actor: job.job.createdBy,
              requestId: null,
              refresh: false,
            });
            results[drive.id] = 'ok';
            done++;
          } catch (err) {
            results[drive.id] = isAppError(err) ? err.code : 'INTERNAL_ERROR';
            failed++;
          }
          await save();
        }
      };
      await save();
      await Promise.all(
        Array.from({ length: Math.min(job.params.concurrency, Math.max(1, todo.length)) }, worker),
      );
      job.signal.throwIfAborted();
    },
  };
}
