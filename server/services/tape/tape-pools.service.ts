import type { Cartridge, CreatePoolRequest, TapePool } from '../../../shared/schemas/cartridges.ts';
import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type {
  CartridgeQuery,
  TapeCartridgeRecord,
  TapeLibraryRecord,
  TapePoolRecord,
} from '../../domain/tape-repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdGen } from '../../platform/ids.ts';
import type { AuditService } from '../audit.service.ts';
import type { KeyDomainsService } from '../keys/key-domains.service.ts';
import { selectorCovers, selectorOf, selectorsOverlap, type PoolSelector } from './cartridge-barcodes.ts';
import type { TapeInventoryService } from './tape-inventory.service.ts';

interface Ctx {
  actor: string;
  requestId: string | null;
}

/** A library's key domain id: `tape-<serial>`, lower-case, as domain ids are slugs. */
export function libraryDomainId(serial: string): string {
  return `tape-${serial.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 40);
}

/**
 * Libraries under key management (each with its own key domain, created with a KEK in the
 * HSM the first time the library is used) and their cartridge pools.
 */
export class TapePoolsService {
  constructor(
    private readonly d: {
      store: Store;
      domains: KeyDomainsService;
      inventory: TapeInventoryService;
      audit: AuditService;
      clock: Clock;
      ids: IdGen;
    },
  ) {}

  /** The library's record, registering it (key domain + KEK) on first use. */
  async library(serial: string): Promise<TapeLibraryRecord> {
    const known = await this.d.store.tape.findLibrary(serial);
    if (known) return known;
    const seen = this.d.inventory.library(serial).dto;
    const domainId = libraryDomainId(serial);
    await this.d.domains.ensure({
      id: domainId,
      description: `Data keys of tape library ${seen.vendor ?? ''} ${seen.product ?? ''} ${serial}`.replace(
        /\s+/g,
        ' ',
      ),
      purpose: 'tape',
      rotationPeriodDays: 365,
    });
    const now = this.d.clock.now().toISOString();
    const record: TapeLibraryRecord = {
      serial,
      name: `${seen.product ?? 'library'} ${serial}`.trim(),
      keyDomainId: domainId,
      vendor: seen.vendor ?? '',
      product: seen.product ?? '',
      autoEnrollImports: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.d.store.transaction(async (tx) => {
      if (await tx.tape.findLibrary(serial)) return;
      await tx.tape.insertLibrary(record);
      await this.d.audit.record(tx, {
        actor: 'system',
        action: 'tape.library.register',
        target: `tape-library:${serial}`,
        outcome: 'success',
        requestId: null,
        details: { keyDomain: domainId },
      });
    });
    return (await this.d.store.tape.findLibrary(serial)) as TapeLibraryRecord;
  }

  async setAutoEnroll(serial: string, on: boolean, ctx: Ctx): Promise<TapeLibraryRecord> {
    await this.library(serial);
    await this.d.store.transaction(async (tx) => {
      await tx.tape.updateLibrary(serial, {
        autoEnrollImports: on,
        updatedAt: this.d.clock.now().toISOString(),
      });
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'tape.library.settings',
        target: `tape-library:${serial}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: { autoEnrollImports: on },
      });
    });
    return (await this.d.store.tape.findLibrary(serial)) as TapeLibraryRecord;
  }

  async createPool(librarySerial: string, req: CreatePoolRequest, ctx: Ctx): Promise<TapePool> {
    const selector = selectorOf(req.selector);
    await this.library(librarySerial);
    const now = this.d.clock.now().toISOString();
    const pool: TapePoolRecord = {
      id: this.d.ids.uuid(),
      librarySerial,
      name: req.name,
      ...selector,
      keyPolicy: req.keyPolicy,
      keyPeriodDays: req.keyPolicy === 'per-pool' ? (req.keyPeriodDays ?? null) : null,
      currentKeyRef: null,
      currentKeyUntil: null,
      createdBy: ctx.actor,
      createdAt: now,
      updatedAt: now,
    };
    await this.d.store.transaction(async (tx) => {
      const pools = await tx.tape.listPools(librarySerial);
      const clash = pools.find((p) => selectorsOverlap(p, selector));
      if (clash) {
        throw new AppError(
          'VALIDATION_FAILED',
          `The pool overlaps pool "${clash.name}" (${describe(clash)}); a cartridge must belong to one pool`,
        );
      }
      if (pools.some((p) => p.name === req.name))
        throw new AppError('VALIDATION_FAILED', `The library already has a pool named "${req.name}"`);
      await tx.tape.insertPool(pool);
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'tape.pool.create',
        target: `tape-pool:${pool.id}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: {
          library: librarySerial,
          name: pool.name,
          range: describe(pool),
          keyPolicy: pool.keyPolicy,
        },
      });
    });
    return this.toDto(pool, 0);
  }

  async listPools(librarySerial?: string): Promise<TapePool[]> {
    const pools = await this.d.store.tape.listPools(librarySerial);
    return Promise.all(
      pools.map(async (p) => this.toDto(p, await this.d.store.tape.countCartridgesByPool(p.id))),
    );
  }

  /** The pool of the library that covers `barcode`, if any. */
  poolFor(pools: TapePoolRecord[], barcode: string): TapePoolRecord | undefined {
    return pools.find((p) => selectorCovers(p, barcode));
  }

  async listCartridges(q: CartridgeQuery & { keyOlderThanDays?: number | undefined }) {
    const keyCreatedBefore =
      q.keyOlderThanDays === undefined
        ? undefined
        : new Date(this.d.clock.now().getTime() - q.keyOlderThanDays * 86_400_000).toISOString();
    const page = await this.d.store.tape.listCartridges({ ...q, keyCreatedBefore });
    return { cartridges: page.items.map(toCartridgeDto), total: page.total };
  }

  private toDto(p: TapePoolRecord, cartridges: number): TapePool {
    return {
      id: p.id,
      librarySerial: p.librarySerial,
      name: p.name,
      volserFrom: p.volserFrom,
      volserTo: p.volserTo,
      mediaId: p.mediaId,
      keyPolicy: p.keyPolicy,
      keyPeriodDays: p.keyPeriodDays,
      cartridges,
      createdBy: p.createdBy,
      createdAt: p.createdAt,
    };
  }
}

export function toCartridgeDto(
  c: TapeCartridgeRecord & { keyCreatedAt: string; keyState: string },
): Cartridge {
  return {
    barcode: c.barcode,
    librarySerial: c.librarySerial,
    poolId: c.poolId,
    state: c.state,
    keyRef: c.keyRef,
    keyState: c.keyState,
    keyCreatedAt: c.keyCreatedAt,
    enrolledAt: c.enrolledAt,
    lastMountedAt: c.lastMountedAt,
    lastVerifiedAt: c.lastVerifiedAt,
    verifyResult: c.verifyResult,
  };
}

function describe(p: PoolSelector): string {
  return `${p.volserFrom}–${p.volserTo}${p.mediaId ? ` ${p.mediaId}` : ''}`;
}
