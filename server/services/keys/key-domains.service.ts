import type { z } from 'zod';
import type {
  CreateKeyDomainRequestSchema,
  KeyDomain,
  UpdateKeyDomainRequestSchema,
} from '../../../shared/schemas/keys.ts';
import { AppError } from '../../domain/errors.ts';
import type { KeyDomainRecord, KeyPurpose } from '../../domain/key-repositories.ts';
import type { Store } from '../../domain/repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditService } from '../audit.service.ts';
import type { Principal, RequestMeta } from '../auth/principal.ts';
import { hsmCall } from './hsm-errors.ts';
import { kekLabel, type KeyHsm } from './hsm-port.ts';

/** The domains every installation has: one for the SED fleet; tape libraries add their own. */
export const DEFAULT_DOMAINS: { id: string; purpose: KeyPurpose; description: string }[] = [
  { id: 'sed-fleet', purpose: 'sed', description: 'Credentials of the self-encrypting drive fleet' },
];

const DAY_MS = 86_400_000;

/** Key domains and their KEK versions (ARCHITECTURE.md §5). */
export class KeyDomainsService {
  constructor(
    private readonly d: {
      store: Store;
      hsm: KeyHsm;
      audit: AuditService;
      clock: Clock;
      events: DomainEvents;
    },
  ) {}

  /** Creates the default domains that do not exist yet (first start, or after an upgrade). */
  async ensureDefaults(): Promise<void> {
    for (const def of DEFAULT_DOMAINS) {
      if (await this.d.store.keyDomains.find(def.id)) continue;
      await this.createInternal('system', null, { ...def, rotationPeriodDays: 365 });
    }
  }

  /**
   * The domain with this id, created by the system (KEK in the HSM, audited) when it does not
   * exist yet: a newly discovered tape library gets its own key domain this way.
   */
  async ensure(req: {
    id: string;
    description: string;
    purpose: KeyPurpose;
    rotationPeriodDays: number | null;
  }) {
    if (!(await this.d.store.keyDomains.find(req.id))) {
      try {
        await this.createInternal('system', null, req);
      } catch (err) {
        // Another instance created it in the meantime: that is the outcome we wanted.
        if (!(err instanceof AppError && err.code === 'KEY_DOMAIN_EXISTS')) throw err;
      }
    }
    return this.get(req.id);
  }

  async create(
    actor: Principal,
    req: z.infer<typeof CreateKeyDomainRequestSchema>,
    meta: RequestMeta,
  ): Promise<KeyDomain> {
    await this.createInternal(actor.user.username, meta.requestId, req);
    return this.get(req.id);
  }

  /**
   * The KEK is created in the HSM first, then the domain is committed with its audit record.
   * A crash in between leaves an unused KEK whose label the retry reuses: nothing is wrapped
   * under it, so reusing it is safe.
   */
  private async createInternal(
    actor: string,
    requestId: string | null,
    req: { id: string; description: string; purpose: KeyPurpose; rotationPeriodDays: number | null },
  ): Promise<void> {
    if (await this.d.store.keyDomains.find(req.id)) {
      throw new AppError('KEY_DOMAIN_EXISTS', `Key domain ${req.id} already exists`);
    }
    const label = kekLabel(req.id, 1);
    await hsmCall('KEK creation', async () => {
      if (!(await this.d.hsm.hasKey(label))) await this.d.hsm.createKek(label);
    });
    const now = this.d.clock.now().toISOString();
    const domain: KeyDomainRecord = {
      ...req,
      activeKekVersion: 1,
      createdAt: now,
      updatedAt: now,
      lastRotatedAt: null,
    };
    await this.d.store.transaction(async (tx) => {
      await tx.keyDomains.insert(domain);
      await tx.keyDomains.insertKek({
        domainId: req.id,
        version: 1,
        hsmLabel: label,
        state: 'active',
        createdAt: now,
        deactivatedAt: null,
        destroyedAt: null,
      });
      await this.d.audit.record(tx, {
        actor,
        action: 'domain.create',
        target: `domain:${req.id}`,
        outcome: 'success',
        requestId,
        details: { purpose: req.purpose, rotationPeriodDays: req.rotationPeriodDays, kekVersion: 1 },
      });
      tx.afterCommit(() => this.d.events.emit('keys:changed', { domainId: req.id }));
    });
  }

  async list(): Promise<KeyDomain[]> {
    const domains = await this.d.store.keyDomains.list();
    return Promise.all(domains.map((d) => this.toDto(d)));
  }

  async get(id: string): Promise<KeyDomain> {
    return this.toDto(await this.require(id));
  }

  async require(id: string): Promise<KeyDomainRecord> {
    const domain = await this.d.store.keyDomains.find(id);
    if (!domain) throw new AppError('KEY_DOMAIN_NOT_FOUND', `No key domain ${id}`);
    return domain;
  }

  async update(
    actor: Principal,
    id: string,
    req: z.infer<typeof UpdateKeyDomainRequestSchema>,
    meta: RequestMeta,
  ): Promise<KeyDomain> {
    await this.require(id);
    const patch = {
      ...(req.description !== undefined && { description: req.description }),
      ...(req.rotationPeriodDays !== undefined && { rotationPeriodDays: req.rotationPeriodDays }),
    };
    await this.d.store.transaction(async (tx) => {
      await tx.keyDomains.update(id, { ...patch, updatedAt: this.d.clock.now().toISOString() });
      await this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'domain.update',
        target: `domain:${id}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: patch,
      });
      tx.afterCommit(() => this.d.events.emit('keys:changed', { domainId: id }));
    });
    return this.get(id);
  }

  /** When the domain's next scheduled rotation is due, or null without a period. */
  nextRotationAt(d: KeyDomainRecord): string | null {
    if (d.rotationPeriodDays === null) return null;
    const from = new Date(d.lastRotatedAt ?? d.createdAt).getTime();
    return new Date(from + d.rotationPeriodDays * DAY_MS).toISOString();
  }

  private async toDto(d: KeyDomainRecord): Promise<KeyDomain> {
    const [keks, counts] = await Promise.all([
      this.d.store.keyDomains.listKeks(d.id),
      this.d.store.secrets.counts(d.id),
    ]);
    return {
      ...d,
      nextRotationAt: this.nextRotationAt(d),
      keks: keks.map((k) => ({
        version: k.version,
        state: k.state,
        createdAt: k.createdAt,
        deactivatedAt: k.deactivatedAt,
        destroyedAt: k.destroyedAt,
        secretCount: counts.byKekVersion[k.version] ?? 0,
      })),
      secretsByState: counts.byState,
    };
  }
}
