import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Secret } from '../../drivers/core/secret.ts';
import type { ManagedSecret } from '../../../shared/schemas/keys.ts';
import { AppError } from '../../domain/errors.ts';
import type { ManagedSecretRecord, SecretKind } from '../../domain/key-repositories.ts';
import type { Store, TxContext } from '../../domain/repositories.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdGen } from '../../platform/ids.ts';
import type { AuditService } from '../audit.service.ts';
import { canProcess, canProtect, nextKeyState, type KeyEvent } from '../state/key-state-machine.ts';
import { hsmCall } from './hsm-errors.ts';
import { kekLabel, type HsmSecretKind, type KeyHsm } from './hsm-port.ts';

export const HSM_KIND: Record<SecretKind, HsmSecretKind> = {
  'sed-credential': 'random-32',
  'tape-data-key': 'aes-256-key',
};

/** Secrets per HSM call and per database transaction when generating in bulk. */
export const SECRET_BATCH = 1000;
/** Secrets per HSM call and per transaction when re-wrapping (smaller: progress steps and resume points). */
export const REWRAP_BATCH = 500;
/**
 * HSM batches requested ahead of the one being committed: enough for a driver that runs batches
 * in parallel (Pkcs11HsmDriver: its worker thread and a helper process) to have one running and
 * one queued on each, so no HSM lane waits while this thread commits.
 */
const PREFETCH = 4;

export interface GenerateRequest {
  domainId: string;
  kind: SecretKind;
  count: number;
  /** One owner reference per secret (drive serial, barcode), or omitted. */
  ownerRefs?: (string | null)[];
  /** Active at once (a key about to be handed to a device) or pre-active (escrowed for later). */
  activate: boolean;
  actor: string;
  requestId: string | null;
  /**
   * Work to commit in the same transaction as each batch of secrets (e.g. the cartridge rows
   * that name them), so a secret and what it protects exist together or not at all.
   */
  commitWith?: (tx: TxContext, records: ManagedSecretRecord[]) => Promise<void>;
  /** Runs after each batch commits (job progress); throwing stops the rest (cancellation). */
  afterBatch?: (records: ManagedSecretRecord[]) => Promise<void>;
  /**
   * The audit record for each secret, when the caller's action says more than
   * `secret.create` (e.g. `tape.enroll` naming the cartridge and the key). One record per
   * secret either way; the secret's id, KEK version and check value are always included.
   */
  auditAs?: (record: ManagedSecretRecord) => {
    action: string;
    target: string;
    details: Record<string, unknown>;
  };
}

const STATE_TIMESTAMP: Partial<Record<string, keyof ManagedSecretRecord>> = {
  active: 'activatedAt',
  suspended: 'suspendedAt',
  deactivated: 'deactivatedAt',
  compromised: 'compromisedAt',
  destroyed: 'destroyedAt',
};

export function toSecretDto(s: ManagedSecretRecord): ManagedSecret {
  return {
    id: s.id,
    domainId: s.domainId,
    kind: s.kind,
    state: s.state,
    kekVersion: s.kekVersion,
    kcv: s.kcv,
    ownerRef: s.ownerRef,
    createdAt: s.createdAt,
    stateChangedAt: s.stateChangedAt,
    destroyedAt: s.destroyedAt,
  };
}

/**
 * Managed secrets: generated and wrapped in the HSM, committed (escrowed) with their audit
 * records before anyone may use them (invariant 1), unwrapped only for the one device call
 * that needs them.
 */
export class ManagedSecretsService {
  constructor(
    private readonly d: {
      store: Store;
      hsm: KeyHsm;
      audit: AuditService;
      clock: Clock;
      ids: IdGen;
      events: DomainEvents;
    },
  ) {}

  /**
   * Generates `count` secrets in batches. The HSM works on batch n+1 while batch n commits,
   * so the HSM, not the database, sets the pace. Returns the committed records.
   */
  async generate(req: GenerateRequest): Promise<ManagedSecretRecord[]> {
    const domain = await this.d.store.keyDomains.find(req.domainId);
    if (!domain) throw new AppError('KEY_DOMAIN_NOT_FOUND', `No key domain ${req.domainId}`);
    const version = domain.activeKekVersion;
    const label = kekLabel(domain.id, version);
    const kind = HSM_KIND[req.kind];
    const sizes: number[] = [];
    for (let left = req.count; left > 0; left -= SECRET_BATCH) sizes.push(Math.min(SECRET_BATCH, left));
    const fetch = (n: number) =>
      hsmCall('key generation', () => this.d.hsm.generateWrappedSecrets({ kekLabel: label, kind, count: n }));

    const out: ManagedSecretRecord[] = [];
    // Keep PREFETCH batches queued at the HSM so its worker never waits for the next request
    // while this thread commits the previous batch.
    const queue: Promise<{ wrapped: Buffer; kcv: string }[]>[] = [];
    let requested = 0;
    const fill = () => {
      while (queue.length < PREFETCH && requested < sizes.length) {
        const batch = fetch(sizes[requested++] as number);
        // A rejected prefetch must not become an unhandled rejection while a batch commits.
        batch.catch(() => undefined);
        queue.push(batch);
      }
    };
    fill();
    while (queue.length > 0) {
      const generated = await (queue.shift() as Promise<{ wrapped: Buffer; kcv: string }[]>);
      fill();
      // When the HSM is ahead, the next batch is already here and `await` would not let the
      // event loop turn between one commit and the next batch: let sockets and timers run.
      await nextTurn();
      const now = this.d.clock.now().toISOString();
      const records = generated.map((g, j): ManagedSecretRecord => ({
        id: this.d.ids.uuid(),
        domainId: domain.id,
        kind: req.kind,
        state: req.activate ? 'active' : 'pre-active',
        wrapped: g.wrapped.toString('base64'),
        wrapAlg: 'aes-256-kw',
        kekVersion: version,
        kcv: g.kcv,
        ownerRef: req.ownerRefs?.[out.length + j] ?? null,
        createdAt: now,
        stateChangedAt: now,
        activatedAt: req.activate ? now : null,
        suspendedAt: null,
        deactivatedAt: null,
        compromisedAt: null,
        destroyedAt: null,
      }));
      await this.d.store.transaction(async (tx) => {
        tx.afterCommit(() => this.d.events.emit('keys:changed', { domainId: domain.id }));
        await tx.secrets.insertMany(records);
        await req.commitWith?.(tx, records);
        await this.d.audit.recordMany(
          tx,
          records.map((r) => {
            const custom = req.auditAs?.(r);
            return {
              actor: req.actor,
              action: custom?.action ?? 'secret.create',
              target: custom?.target ?? `secret:${r.id}`,
              outcome: 'success' as const,
              requestId: req.requestId,
              details: {
                ...custom?.details,
                secret: r.id,
                domain: r.domainId,
                kind: r.kind,
                kekVersion: r.kekVersion,
                kcv: r.kcv,
                state: r.state,
                ownerRef: r.ownerRef,
              },
            };
          }),
        );
      });
      out.push(...records);
      await req.afterBatch?.(records);
    }
    return out;
  }

  async get(id: string): Promise<ManagedSecretRecord> {
    const secret = await this.d.store.secrets.find(id);
    if (!secret) throw new AppError('KEY_NOT_FOUND', 'No such secret');
    return secret;
  }

  /**
   * Unwraps a secret for one device call. `protect` (write new data) needs an active secret;
   * `process` (read existing data) also accepts suspended, deactivated and compromised ones;
   * `provision` (setting an escrowed credential on a device for the first time, during
   * enrollment or rotation) accepts pre-active and active ones.
   * The caller must dispose the Secret as soon as the device call returns.
   */
  async unwrapForUse(
    id: string,
    use: 'protect' | 'process' | 'provision',
    ctx: { actor: string; requestId: string | null; purpose: string },
  ): Promise<Secret> {
    const secret = await this.get(id);
    const allowed =
      use === 'provision'
        ? secret.state === 'pre-active' || secret.state === 'active'
        : use === 'protect'
          ? canProtect(secret.state)
          : canProcess(secret.state);
    if (!allowed || secret.wrapped === null) {
      throw new AppError('KEY_STATE_INVALID', `A ${secret.state} secret cannot be used to ${use} data`);
    }
    const kek = await this.d.store.keyDomains.findKek(secret.domainId, secret.kekVersion);
    if (!kek || kek.state === 'destroyed')
      throw new AppError('KEK_NOT_FOUND', 'The KEK of this secret is gone');
    await this.d.store.transaction((tx) =>
      this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'secret.use',
        target: `secret:${id}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: { use, purpose: ctx.purpose, kekVersion: secret.kekVersion },
      }),
    );
    const wrapped = Buffer.from(secret.wrapped, 'base64');
    return hsmCall('unwrap', () =>
      this.d.hsm.unwrapSecret({ kekLabel: kek.hsmLabel, wrapped, kind: HSM_KIND[secret.kind] }),
    );
  }

  /**
   * Moves a secret through its life cycle. `destroy` is not offered here: it needs a second
   * person (ApprovalsService → `secret.destroy`).
   */
  async transition(
    id: string,
    event: Exclude<KeyEvent, 'destroy'>,
    ctx: { actor: string; requestId: string | null; reason?: string },
  ) {
    return this.d.store.transaction(async (tx) => {
      const secret = await tx.secrets.find(id);
      if (!secret) throw new AppError('KEY_NOT_FOUND', 'No such secret');
      const to = nextKeyState(secret.state, event);
      if (!to) throw new AppError('KEY_STATE_INVALID', `Cannot ${event} a ${secret.state} secret`);
      tx.afterCommit(() => this.d.events.emit('keys:changed', { domainId: secret.domainId }));
      const now = this.d.clock.now().toISOString();
      const stamp = STATE_TIMESTAMP[to];
      await tx.secrets.updateState(id, { state: to, stateChangedAt: now, ...(stamp && { [stamp]: now }) });
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: `secret.${event}`,
        target: `secret:${id}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: { from: secret.state, to, ...(ctx.reason && { reason: ctx.reason }) },
      });
      return toSecretDto({ ...secret, state: to, stateChangedAt: now });
    });
  }

  /** Crypto-shredding: removes the wrapped material for good, keeps the metadata. Approval-gated by the caller. */
  async destroy(id: string, ctx: { actor: string; requestId: string | null; approvalId: string }) {
    return this.d.store.transaction(async (tx) => {
      const secret = await tx.secrets.find(id);
      if (!secret) throw new AppError('KEY_NOT_FOUND', 'No such secret');
      const to = nextKeyState(secret.state, 'destroy');
      if (!to)
        throw new AppError(
          'KEY_STATE_INVALID',
          `A ${secret.state} secret must be deactivated before it is destroyed`,
        );
      await this.#markDestroyed(tx, secret, ctx, 'secret.destroy', { approvalId: ctx.approvalId });
    });
  }

  /**
   * Destroys a secret that never reached a device (still pre-active): credentials generated for
   * an enrollment the drive refused protect nothing, so no second person is needed. Anything
   * that was ever activated goes through `destroy` with an approval.
   */
  async discardUnused(id: string, ctx: { actor: string; requestId: string | null; reason: string }) {
    return this.d.store.transaction(async (tx) => {
      const secret = await tx.secrets.find(id);
      if (!secret) throw new AppError('KEY_NOT_FOUND', 'No such secret');
      if (secret.state !== 'pre-active')
        throw new AppError(
          'KEY_STATE_INVALID',
          `Only a pre-active secret can be discarded; this one is ${secret.state}`,
        );
      await this.#markDestroyed(tx, secret, ctx, 'secret.discard', { reason: ctx.reason });
    });
  }

  /** The wrapped material gone for good, the metadata kept, audited (with the check value) in `tx`. */
  async #markDestroyed(
    tx: TxContext,
    secret: ManagedSecretRecord,
    ctx: { actor: string; requestId: string | null },
    action: 'secret.destroy' | 'secret.discard',
    details: Record<string, unknown>,
  ): Promise<void> {
    tx.afterCommit(() => this.d.events.emit('keys:changed', { domainId: secret.domainId }));
    const now = this.d.clock.now().toISOString();
    await tx.secrets.updateState(secret.id, {
      state: 'destroyed',
      wrapped: null,
      stateChangedAt: now,
      destroyedAt: now,
    });
    await this.d.audit.record(tx, {
      actor: ctx.actor,
      action,
      target: `secret:${secret.id}`,
      outcome: 'success',
      requestId: ctx.requestId,
      details: { from: secret.state, ...details, kcv: secret.kcv },
    });
  }
}
