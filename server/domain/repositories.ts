import type { Role } from '../../shared/schemas/auth.ts';

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
}

export interface AuditRepository {
  /** Appends to the hash chain. Must run inside the transaction of the change it records. */
  append(entry: AuditEntry, at: string): Promise<AuditRecord>;
  list(opts: AuditListOptions): Promise<AuditRecord[]>;
  /** Records in sequence order from `fromSeq`, for the chain verifier. */
  range(fromSeq: number, limit: number): Promise<AuditRecord[]>;
}

export interface Repositories {
  users: UserRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  audit: AuditRepository;
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
