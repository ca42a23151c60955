import type { CertificateRepository } from './certificate-repositories.ts';
import type { EraseRepository } from './erase-repositories.ts';
import type { TapeRepository } from './tape-repositories.ts';
import type { Role } from '../../shared/schemas/auth.ts';
import type {
  ApprovalPolicyRepository,
  ApprovalRepository,
  AuditSealRepository,
  KeyDomainRepository,
  ManagedSecretRepository,
} from './key-repositories.ts';
import type { SedDriveRepository } from './sed-repositories.ts';

/** A user row as the services see it. `passwordHash` is an scrypt record, never a password. */
export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UserRepository {
  findById(id: string): Promise<UserRecord | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  countActiveAdmins(): Promise<number>;
  insert(user: UserRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>): Promise<void>;
}

/** A server-side session. Only the SHA-256 of the session token is stored. */
export interface SessionRecord {
  idHash: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  address: string | null;
  userAgent: string | null;
}

export interface SessionRepository {
  insert(session: SessionRecord): Promise<void>;
  find(idHash: string): Promise<SessionRecord | undefined>;
  touch(idHash: string, lastSeenAt: string): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of a user, except `keepIdHash`; returns the ended id hashes. */
  deleteForUser(userId: string, keepIdHash?: string): Promise<string[]>;
  deleteExpired(nowIso: string, idleCutoffIso: string): Promise<number>;
}

/** An API token. Only the SHA-256 of the secret is stored; `prefix` is shown to tell tokens apart. */
export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  secretHash: string;
  prefix: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiTokenRepository {
  insert(token: ApiTokenRecord): Promise<void>;
  findBySecretHash(secretHash: string): Promise<ApiTokenRecord | undefined>;
  findById(id: string): Promise<ApiTokenRecord | undefined>;
  listForUser(userId: string): Promise<ApiTokenRecord[]>;
  markUsed(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
  revokeAllForUser(userId: string, at: string): Promise<void>;
}

/** What a caller supplies for an audit record; the repository adds seq, time and hashes. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export interface AuditListOptions {
  beforeSeq?: number | undefined;
  limit: number;
  action?: string | undefined;
  actor?: string | undefined;
  target?: string | undefined;
}

export interface AuditRepository {
  /** Appends to the hash chain. Must run inside the transaction of the change it records. */
  append(entry: AuditEntry, at: string): Promise<AuditRecord>;
  /** Appends many records in order with one head update: the bulk path (enrollment, rotation). */
  appendMany(entries: AuditEntry[], at: string): Promise<AuditRecord[]>;
  /** The chain head: last sequence number and hash (0 and the genesis hash when empty). */
  head(): Promise<{ seq: number; hash: string }>;
  list(opts: AuditListOptions): Promise<AuditRecord[]>;
  /** Records in sequence order from `fromSeq`, for the chain verifier. */
  range(fromSeq: number, limit: number): Promise<AuditRecord[]>;
}

export interface Repositories {
  users: UserRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  audit: AuditRepository;
  jobs: JobRepository;
  keyDomains: KeyDomainRepository;
  secrets: ManagedSecretRepository;
  approvals: ApprovalRepository;
  approvalPolicies: ApprovalPolicyRepository;
  auditSeals: AuditSealRepository;
  sedDrives: SedDriveRepository;
  tape: TapeRepository;
  erase: EraseRepository;
  certificates: CertificateRepository;
}

/** Repositories inside a transaction, plus a hook for work that must wait for the commit. */
export interface TxContext extends Repositories {
  /** Runs after a successful commit (publishing events); never after a rollback. */
  afterCommit(fn: () => void): void;
}

/** The storage port. Repositories are the only code that touches the database. */
export interface Store extends Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one database transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: TxContext) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A durable job (invariant 5). Params and cursor are JSON without secrets. */
export interface JobRecord {
  id: string;
  kind: string;
  state: JobState;
  params: Record<string, unknown>;
  /** Handler-defined resume point, saved with each progress step. */
  cursor: Record<string, unknown> | null;
  done: number;
  total: number;
  failedItems: number;
  errorCode: string | null;
  errorMessage: string | null;
  createdBy: string;
  createdAt: string;
  runAfter: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  owner: string | null;
  heartbeatAt: string | null;
  cancelRequested: boolean;
  /** Times the job went back to the queue after a transient failure. */
  attempts: number;
}

export interface JobRepository {
  insert(job: JobRecord): Promise<void>;
  find(id: string): Promise<JobRecord | undefined>;
  list(opts: {
    limit: number;
    kind?: string | undefined;
    states?: JobState[] | undefined;
  }): Promise<JobRecord[]>;
  /**
   * Atomically takes the oldest runnable job: queued and due, or running under an owner whose
   * heartbeat is older than `staleBefore` (a crashed instance). Returns it, now owned by `owner`.
   */
  claim(owner: string, now: string, staleBefore: string, kinds: string[]): Promise<JobRecord | undefined>;
  /** Saves progress and the resume cursor; false if `owner` no longer owns the job. */
  saveProgress(
    id: string,
    owner: string,
    patch: {
      done: number;
      total: number;
      failedItems: number;
      cursor: Record<string, unknown> | null;
      at: string;
    },
  ): Promise<boolean>;
  heartbeat(id: string, owner: string, at: string): Promise<boolean>;
  finish(
    id: string,
    owner: string,
    patch: {
      state: 'succeeded' | 'failed' | 'cancelled';
      errorCode: string | null;
      errorMessage: string | null;
      at: string;
    },
  ): Promise<boolean>;
  /** Puts a running job back in the queue after a transient failure, keeping its cursor. */
  requeue(
    id: string,
    owner: string,
    p: { runAfter: string; errorCode: string; errorMessage: string; at: string },
  ): Promise<boolean>;
  requestCancel(id: string, at: string): Promise<void>;
  /** Cancels a job that never started (no owner); true if it did. */
  cancelQueued(id: string, at: string): Promise<boolean>;
}
