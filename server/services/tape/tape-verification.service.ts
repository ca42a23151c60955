import { AppError } from '../../domain/errors.ts';
import type { JobRecord, Store } from '../../domain/repositories.ts';
import type { AuditService } from '../audit.service.ts';
import { enqueueAudited } from '../jobs/enqueue-audited.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import type { TapeInventoryService } from './tape-inventory.service.ts';
import { TAPE_VERIFY_JOB } from './tape-verify.job.ts';

/** Most cartridges one verification job mounts (each mount takes a robot move and a load). */
export const MAX_VERIFY = 5_000;

/** Queues a verification of enrolled cartridges that are in their library now. */
export class TapeVerificationService {
  constructor(
    private readonly d: {
      store: Store;
      jobs: JobRunner;
      audit: AuditService;
      inventory: TapeInventoryService;
    },
  ) {}

  async request(
    librarySerial: string,
    wanted: string[] | undefined,
    ctx: { actor: string; requestId: string | null },
  ): Promise<JobRecord> {
    const lib = this.d.inventory.library(librarySerial);
    const present = new Set(lib.elements.filter((e) => e.full && e.barcode).map((e) => e.barcode as string));
    const page = await this.d.store.tape.listCartridges({ librarySerial, limit: 100_000, offset: 0 });
    const enrolled = new Set(page.items.filter((c) => c.state !== 'retired').map((c) => c.barcode));
    const candidates = wanted ?? [...present].filter((b) => enrolled.has(b)).sort();
    const missing = candidates.filter((b) => !enrolled.has(b) || !present.has(b));
    if (missing.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        `${missing.length} cartridge(s) are not enrolled or not in the library`,
        {
          details: missing
            .slice(0, 20)
            .map((b) => ({ path: b, message: 'not enrolled or not in the library' })),
        },
      );
    }
    if (candidates.length === 0)
      throw new AppError('VALIDATION_FAILED', 'No enrolled cartridge is in the library');
    if (candidates.length > MAX_VERIFY)
      throw new AppError('VALIDATION_FAILED', `At most ${MAX_VERIFY} cartridges per verification`);
    return enqueueAudited(
      this.d,
      {
        kind: TAPE_VERIFY_JOB,
        params: { librarySerial, barcodes: candidates },
        actor: ctx.actor,
        total: candidates.length,
      },
      {
        action: 'tape.verify.request',
        target: `tape-library:${librarySerial}`,
        requestId: ctx.requestId,
        details: { count: candidates.length },
      },
    );
  }
}
