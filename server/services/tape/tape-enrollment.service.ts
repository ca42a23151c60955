import type { EnrollmentPreview, EnrollmentRequest } from '../../../shared/schemas/cartridges.ts';
import { parseBarcode } from '../../drivers/tape/lto-media.ts';
import { AppError } from '../../domain/errors.ts';
import type { JobRecord, Store } from '../../domain/repositories.ts';
import type { TapePoolRecord } from '../../domain/tape-repositories.ts';
import type { AuditService } from '../audit.service.ts';
import { enqueueAudited } from '../jobs/enqueue-audited.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import { expandRange, parseBarcodeCsv, selectorCovers } from './cartridge-barcodes.ts';
import { TAPE_ENROLL_JOB } from './tape-enrollment.job.ts';
import type { TapeInventoryService } from './tape-inventory.service.ts';
import type { TapePoolsService } from './tape-pools.service.ts';

interface Ctx {
  actor: string;
  requestId: string | null;
}

/**
 * Turns an enrollment request (the library's inventory, a range, a CSV) into a checked list of
 * barcodes and a durable job. Every barcode a range or CSV names must fall in one of the
 * library's pools; a bad list is refused whole, before anything is written.
 */
export class TapeEnrollmentService {
  constructor(
    private readonly d: {
      store: Store;
      jobs: JobRunner;
      audit: AuditService;
      inventory: TapeInventoryService;
      pools: TapePoolsService;
    },
  ) {}

  async request(
    req: EnrollmentRequest,
    ctx: Ctx,
  ): Promise<{ preview: EnrollmentPreview; job: JobRecord | null }> {
    const library = await this.d.pools.library(req.librarySerial);
    const pools = await this.d.store.tape.listPools(req.librarySerial);
    if (pools.length === 0)
      throw new AppError('VALIDATION_FAILED', 'The library has no pools yet: define a pool before enrolling');
    const { barcodes, skipped } = this.barcodesOf(req, pools);
    const existing = await this.d.store.tape.existingBarcodes(barcodes);
    const todo = barcodes.filter((b) => !existing.has(b));
    const byPool = new Map<string, number>();
    for (const b of todo) {
      const pool = pools.find((p) => selectorCovers(p, b)) as TapePoolRecord;
      byPool.set(pool.id, (byPool.get(pool.id) ?? 0) + 1);
    }
    const preview: EnrollmentPreview = {
      total: barcodes.length,
      alreadyEnrolled: barcodes.length - todo.length,
      toEnroll: todo.length,
      skipped,
      byPool: pools
        .filter((p) => byPool.has(p.id))
        .map((p) => ({ poolId: p.id, name: p.name, count: byPool.get(p.id) ?? 0 })),
    };
    if (req.preview || todo.length === 0) return { preview, job: null };
    const job = await this.enqueue(
      req.librarySerial,
      library.keyDomainId,
      todo,
      req.source.kind,
      preview,
      ctx,
    );
    return { preview, job };
  }

  /**
   * Auto-enrollment: cartridges an operator put into the library's I/E port, when the library
   * has it switched on, covered by a pool and not enrolled yet. Runs after every inventory
   * read, so a cartridge missed while another enrollment ran is picked up by the next one.
   */
  async autoEnrollImports(librarySerial: string): Promise<JobRecord | null> {
    const library = await this.d.store.tape.findLibrary(librarySerial);
    if (!library?.autoEnrollImports) return null;
    const pools = await this.d.store.tape.listPools(librarySerial);
    const imported = this.d.inventory
      .library(librarySerial)
      .elements.filter((e) => e.kind === 'import-export' && e.full && e.barcode)
      .map((e) => e.barcode as string)
      .filter((b) => {
        const kind = parseBarcode(b).kind;
        return (kind === 'data' || kind === 'worm') && pools.some((p) => selectorCovers(p, b));
      });
    if (imported.length === 0) return null;
    const existing = await this.d.store.tape.existingBarcodes(imported);
    const todo = imported.filter((b) => !existing.has(b));
    if (todo.length === 0 || (await this.runningFor(librarySerial))) return null;
    const preview = { total: todo.length, alreadyEnrolled: 0, toEnroll: todo.length, skipped: 0, byPool: [] };
    return this.enqueue(librarySerial, library.keyDomainId, todo, 'import', preview, {
      actor: 'system',
      requestId: null,
    });
  }

  private async runningFor(librarySerial: string): Promise<boolean> {
    const running = await this.d.store.jobs.list({
      limit: 50,
      kind: TAPE_ENROLL_JOB,
      states: ['queued', 'running'],
    });
    return running.some((j) => j.params.librarySerial === librarySerial);
  }

  private async enqueue(
    librarySerial: string,
    keyDomainId: string,
    todo: string[],
    source: string,
    preview: EnrollmentPreview,
    ctx: Ctx,
  ): Promise<JobRecord> {
    if (await this.runningFor(librarySerial)) {
      throw new AppError(
        'TAPE_ENROLLMENT_RUNNING',
        `An enrollment for library ${librarySerial} is already running`,
      );
    }
    return enqueueAudited(
      this.d,
      {
        kind: TAPE_ENROLL_JOB,
        params: { librarySerial, keyDomainId, barcodes: todo },
        actor: ctx.actor,
        total: todo.length,
      },
      {
        action: 'tape.enroll.request',
        target: `tape-library:${librarySerial}`,
        requestId: ctx.requestId,
        details: {
          source,
          count: todo.length,
          alreadyEnrolled: preview.alreadyEnrolled,
          first: todo[0],
          last: todo.at(-1),
        },
      },
    );
  }

  private barcodesOf(
    req: EnrollmentRequest,
    pools: TapePoolRecord[],
  ): { barcodes: string[]; skipped: number } {
    const src = req.source;
    if (src.kind === 'inventory') {
      // What the library holds: data and WORM cartridges a pool covers; the rest is skipped
      // (cleaning cartridges, unlabelled slots, barcodes no pool claims).
      const elements = this.d.inventory.library(req.librarySerial).elements;
      const labels = [
        ...new Set(elements.filter((e) => e.full && e.barcode).map((e) => e.barcode as string)),
      ];
      const barcodes = labels.filter((b) => {
        const kind = parseBarcode(b).kind;
        return (kind === 'data' || kind === 'worm') && pools.some((p) => selectorCovers(p, b));
      });
      return { barcodes, skipped: labels.length - barcodes.length };
    }
    const barcodes = src.kind === 'range' ? expandRange(src.from, src.to) : parseBarcodeCsv(src.csv);
    const outside = barcodes.filter((b) => !pools.some((p) => selectorCovers(p, b)));
    if (outside.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        `${outside.length} barcode(s) are in no pool of this library; nothing was enrolled`,
        {
          details: outside
            .slice(0, 20)
            .map((b) => ({ path: b, message: 'no pool of the library covers it' })),
        },
      );
    }
    return { barcodes, skipped: 0 };
  }
}
