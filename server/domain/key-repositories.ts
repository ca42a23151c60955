import type { KeyState } from '../../shared/schemas/keys.ts';

export type KeyPurpose = 'sed' | 'tape' | 'general';
export type SecretKind = 'sed-credential' | 'tape-data-key';
export type KekState = 'active' | 'retiring' | 'deactivated' | 'destroyed';

export interface KeyDomainRecord {
  id: string;
  description: string;
  purpose: KeyPurpose;
  rotationPeriodDays: number | null;
  activeKekVersion: number;
  createdAt: string;
  updatedAt: string;
  lastRotatedAt: string | null;
}

export interface KekVersionRecord {
  domainId: string;
  version: number;
  /** CKA_LABEL of the KEK in the HSM, e.g. `lw:kek:sed-fleet:v2`. */
  hsmLabel: string;
  state: KekState;
  createdAt: string;
  deactivatedAt: string | null;
  destroyedAt: string | null;
}

/** A secret stored only wrapped; `wrapped` is null once destroyed (metadata stays). */
export interface ManagedSecretRecord {
  id: string;
  domainId: string;
  kind: SecretKind;
  state: KeyState;
  /** Base64 of the RFC 3394 blob (40 bytes for a 32-byte secret). */
  wrapped: string | null;
  wrapAlg: 'aes-256-kw';
  kekVersion: number;
  kcv: string;
  /** What the secret protects: a drive serial, a cartridge barcode; never secret itself. */
  ownerRef: string | null;
  createdAt: string;
  stateChangedAt: string;
  activatedAt: string | null;
  suspendedAt: string | null;
  deactivatedAt: string | null;
  compromisedAt: string | null;
  destroyedAt: string | null;
}

export interface KeyDomainRepository {
  insert(domain: KeyDomainRecord): Promise<void>;
  find(id: string): Promise<KeyDomainRecord | undefined>;
  list(): Promise<KeyDomainRecord[]>;
  update(id: string, patch: Partial<Omit<KeyDomainRecord, 'id' | 'createdAt'>>): Promise<void>;
  delete(id: string): Promise<void>;
  insertKek(kek: KekVersionRecord): Promise<void>;
  findKek(domainId: string, version: number): Promise<KekVersionRecord | undefined>;
  listKeks(domainId: string): Promise<KekVersionRecord[]>;
  updateKek(
    domainId: string,
    version: number,
    patch: Partial<Pick<KekVersionRecord, 'state' | 'deactivatedAt' | 'destroyedAt'>>,
  ): Promise<void>;
}

export interface SecretCounts {
  byState: Partial<Record<KeyState, number>>;
  byKekVersion: Record<number, number>;
}

export interface ManagedSecretRepository {
  insertMany(secrets: ManagedSecretRecord[]): Promise<void>;
  find(id: string): Promise<ManagedSecretRecord | undefined>;
  listByOwner(ownerRef: string): Promise<ManagedSecretRecord[]>;
  /** Secrets of a domain still wrapped under `kekVersion`, by id order after `afterId`. */
  listWrappedUnder(
    domainId: string,
    kekVersion: number,
    afterId: string,
    limit: number,
  ): Promise<ManagedSecretRecord[]>;
  countWrappedUnder(domainId: string, kekVersion: number): Promise<number>;
  counts(domainId: string): Promise<SecretCounts>;
  /** Replaces the blob only if it is still under `fromVersion` (idempotent re-wrap). */
  rewrap(id: string, fromVersion: number, toVersion: number, wrapped: string): Promise<boolean>;
  updateState(id: string, patch: Partial<ManagedSecretRecord>): Promise<void>;
}

export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'executed' | 'cancelled';

/** A request for a destructive action that a second authorised person must approve. */
export interface ApprovalRecord {
  id: string;
  /** e.g. `kek.destroy`; the action names what will be done. */
  action: string;
  /** The exact object the approval is bound to, e.g. `kek:sed-fleet:v1`. */
  target: string;
  params: Record<string, unknown>;
  state: ApprovalState;
  requestedBy: string;
  requestedAt: string;
  reason: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  expiresAt: string;
  executedAt: string | null;
  /** For one-time grants: when the grant was used. */
  consumedAt: string | null;
  /** Distinct approvers needed, from the policy in force when it was requested. */
  requiredApprovers: number;
  /** Hours a request waits for its approvals; also how late an approved scheduled action may start. */
  validHours: number;
}

/** One approver's yes. The approval is approved when it has `requiredApprovers` of them. */
export interface ApprovalVote {
  approvalId: string;
  approver: string;
  votedAt: string;
  note: string;
}

/** What an action needs: set by admins, applied to requests made afterwards. */
export interface ApprovalPolicyRecord {
  action: string;
  approvers: number;
  expiryHours: number;
  updatedBy: string;
  updatedAt: string;
}

export interface ApprovalPolicyRepository {
  list(): Promise<ApprovalPolicyRecord[]>;
  find(action: string): Promise<ApprovalPolicyRecord | undefined>;
  upsert(p: ApprovalPolicyRecord): Promise<void>;
}

export interface ApprovalRepository {
  insert(a: ApprovalRecord): Promise<void>;
  find(id: string): Promise<ApprovalRecord | undefined>;
  list(opts: { states?: ApprovalState[]; limit: number }): Promise<ApprovalRecord[]>;
  /** Moves from `from` to the patch's state; false if the approval was not in `from` (a race lost). */
  transition(id: string, from: ApprovalState, patch: Partial<ApprovalRecord>): Promise<boolean>;
  /** Marks a one-time grant used; false if it was used already (a race lost). */
  consume(id: string, at: string): Promise<boolean>;
  /**
   * Adds one approver's vote to a pending approval, serialised with concurrent voters (it
   * locks the approval row first); returns how many distinct approvers have voted now, or
   * undefined when the approval is no longer pending. A repeated vote counts once. Call it in
   * a transaction, with the transition to approved.
   */
  vote(v: ApprovalVote): Promise<number | undefined>;
  votes(approvalIds: string[]): Promise<ApprovalVote[]>;
}

/** An HSM HMAC over the audit chain head at `seq`. */
export interface AuditSealRecord {
  seq: number;
  hash: string;
  mac: string;
  keyLabel: string;
  sealedAt: string;
}

export interface AuditSealRepository {
  insert(seal: AuditSealRecord): Promise<void>;
  latest(): Promise<AuditSealRecord | undefined>;
  list(limit: number): Promise<AuditSealRecord[]>;
}
