import type { ChangePasswordRequestSchema, LoginRequest, SessionInfo } from '../../../shared/schemas/auth.ts';
import type { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Store, UserRecord } from '../../domain/repositories.ts';
import type { SessionEndReason } from '../../../shared/socket/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdGen } from '../../platform/ids.ts';
import type { AuditService } from '../audit.service.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { toUserDto, type Principal, type RequestMeta } from './principal.ts';
import { API_TOKEN_PREFIX, csrfTokenFor, sha256Hex } from './tokens.ts';

export interface SessionPolicy {
  idleTimeoutMinutes: number;
  absoluteTimeoutHours: number;
}

export interface AuthServiceDeps {
  store: Store;
  hasher: PasswordHasher;
  limiter: LoginLimiter;
  audit: AuditService;
  events: DomainEvents;
  clock: Clock;
  ids: IdGen;
  policy: SessionPolicy;
}

/** Touch `last_seen_at` at most this often: a write per request would serialise reads on SQLite. */
const TOUCH_INTERVAL_MS = 60_000;

/** Login, sessions, API-token authentication and password changes. */
export class AuthService {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly d: AuthServiceDeps) {}

  async login(req: LoginRequest, meta: RequestMeta): Promise<{ sessionToken: string; info: SessionInfo }> {
    const username = req.username.toLowerCase();
    const user = await this.d.store.users.findByUsername(username);
    try {
      await this.d.limiter.admit(username, meta.address);
    } catch (err) {
      await this.auditLogin(user, 'denied', meta, 'rate-limited');
      throw err;
    }
    // Verify against a dummy record for unknown users so that timing does not reveal them.
    const record = user?.passwordHash ?? (await (this.dummyHash ??= this.d.hasher.dummyRecord()));
    const ok = (await this.d.hasher.verify(req.password, record)) && user !== undefined && !user.disabled;
    if (!ok || !user) {
      await this.d.limiter.recordFailure(username);
      await this.auditLogin(user, 'failure', meta, user?.disabled ? 'disabled' : 'invalid-credentials');
      throw new AppError('AUTH_INVALID_CREDENTIALS', 'Invalid username or password');
    }
    await this.d.limiter.recordSuccess(username);
    const now = this.d.clock.now();
    const sessionToken = this.d.ids.token(32);
    const idHash = sha256Hex(sessionToken);
    const expiresAt = new Date(now.getTime() + this.d.policy.absoluteTimeoutHours * 3_600_000).toISOString();
    await this.d.store.transaction(async (tx) => {
      await tx.sessions.insert({
        idHash,
        userId: user.id,
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        expiresAt,
        address: meta.address,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      });
      await this.d.audit.record(tx, {
        actor: user.username,
        action: 'auth.login',
        target: `user:${user.username}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { address: meta.address },
      });
    });
    const info = this.sessionInfo(user, sessionToken, now.toISOString(), expiresAt);
    return { sessionToken, info };
  }

  /** Resolves a session cookie to its principal, or undefined if unknown, expired or disabled. */
  async authenticateSession(sessionToken: string): Promise<Principal | undefined> {
    const idHash = sha256Hex(sessionToken);
    const session = await this.d.store.sessions.find(idHash);
    if (!session) return undefined;
    const now = this.d.clock.now();
    const idleDeadline = new Date(session.lastSeenAt).getTime() + this.d.policy.idleTimeoutMinutes * 60_000;
    if (now.getTime() >= idleDeadline || now.toISOString() >= session.expiresAt) {
      await this.endSessions([idHash], 'expired');
      return undefined;
    }
    const user = await this.d.store.users.findById(session.userId);
    if (!user || user.disabled) return undefined;
    if (now.getTime() - new Date(session.lastSeenAt).getTime() > TOUCH_INTERVAL_MS) {
      await this.d.store.sessions.touch(idHash, now.toISOString());
    }
    return {
      user,
      via: 'session',
      sessionIdHash: idHash,
      sessionExpiresAt: this.expiry(session.expiresAt, now),
    };
  }

  /**
   * Whether a principal authenticated earlier (a connected socket) still holds: its session
   * or token is live, its user enabled and in the same role. Touches nothing, so an open
   * socket does not keep an idle session alive; a session found expired is ended (pushed).
   */
  async stillValid(p: Principal): Promise<boolean> {
    const user = await this.d.store.users.findById(p.user.id);
    if (!user || user.disabled || user.role !== p.user.role) return false;
    const now = this.d.clock.now();
    if (p.via === 'api-token') {
      const token = p.tokenId === undefined ? undefined : await this.d.store.apiTokens.findById(p.tokenId);
      return !!token && token.revokedAt === null && token.expiresAt > now.toISOString();
    }
    if (!p.sessionIdHash) return false;
    const session = await this.d.store.sessions.find(p.sessionIdHash);
    if (!session) return false;
    const idleDeadline = new Date(session.lastSeenAt).getTime() + this.d.policy.idleTimeoutMinutes * 60_000;
    if (now.getTime() >= idleDeadline || now.toISOString() >= session.expiresAt) {
      await this.endSessions([p.sessionIdHash], 'expired');
      return false;
    }
    return true;
  }

  /** Resolves an `Authorization: Bearer lw_…` secret to its principal. */
  async authenticateApiToken(secret: string): Promise<Principal | undefined> {
    if (!secret.startsWith(API_TOKEN_PREFIX)) return undefined;
    const token = await this.d.store.apiTokens.findBySecretHash(sha256Hex(secret));
    const now = this.d.clock.now();
    if (!token || token.revokedAt !== null || token.expiresAt <= now.toISOString()) return undefined;
    const user = await this.d.store.users.findById(token.userId);
    if (!user || user.disabled) return undefined;
    if (!token.lastUsedAt || now.getTime() - new Date(token.lastUsedAt).getTime() > TOUCH_INTERVAL_MS) {
      await this.d.store.apiTokens.markUsed(token.id, now.toISOString());
    }
    return { user, via: 'api-token', tokenId: token.id };
  }

  sessionInfo(user: UserRecord, sessionToken: string, lastSeenAt: string, expiresAt: string): SessionInfo {
    return {
      user: toUserDto(user),
      csrfToken: csrfTokenFor(sessionToken),
      expiresAt: this.expiry(expiresAt, new Date(lastSeenAt)),
    };
  }

  async logout(principal: Principal, meta: RequestMeta): Promise<void> {
    if (!principal.sessionIdHash) return;
    const idHash = principal.sessionIdHash;
    await this.d.store.transaction(async (tx) => {
      await tx.sessions.delete(idHash);
      await this.d.audit.record(tx, {
        actor: principal.user.username,
        action: 'auth.logout',
        target: `user:${principal.user.username}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: {},
      });
      tx.afterCommit(() =>
        this.d.events.emit('sessions:ended', { sessionIdHashes: [idHash], reason: 'logout' }),
      );
    });
  }

  /** Changes the caller's password and ends every other session of theirs. */
  async changePassword(
    principal: Principal,
    req: z.infer<typeof ChangePasswordRequestSchema>,
    meta: RequestMeta,
  ): Promise<void> {
    const user = principal.user;
    if (!(await this.d.hasher.verify(req.currentPassword, user.passwordHash))) {
      throw new AppError('AUTH_INVALID_CREDENTIALS', 'The current password is not correct');
    }
    if (req.newPassword === req.currentPassword || req.newPassword.toLowerCase().includes(user.username)) {
      throw new AppError(
        'AUTH_PASSWORD_WEAK',
        'Choose a new password that differs from the old one and the username',
      );
    }
    const passwordHash = await this.d.hasher.hash(req.newPassword);
    await this.d.store.transaction(async (tx) => {
      const now = this.d.clock.now().toISOString();
      await tx.users.update(user.id, { passwordHash, mustChangePassword: false, updatedAt: now });
      const ended = await tx.sessions.deleteForUser(user.id, principal.sessionIdHash);
      await this.d.audit.record(tx, {
        actor: user.username,
        action: 'user.password.change',
        target: `user:${user.username}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { endedSessions: ended.length },
      });
      tx.afterCommit(() =>
        this.d.events.emit('sessions:ended', { sessionIdHashes: ended, reason: 'password-changed' }),
      );
    });
  }

  async endSessions(idHashes: string[], reason: SessionEndReason): Promise<void> {
    for (const idHash of idHashes) await this.d.store.sessions.delete(idHash);
    this.d.events.emit('sessions:ended', { sessionIdHashes: idHashes, reason });
  }

  private expiry(absolute: string, lastSeen: Date): string {
    const idle = new Date(lastSeen.getTime() + this.d.policy.idleTimeoutMinutes * 60_000).toISOString();
    return idle < absolute ? idle : absolute;
  }

  /**
   * A failed login names the user only if the account exists: people type passwords into
   * the username field, and the audit trail must not keep them.
   */
  private async auditLogin(
    user: UserRecord | undefined,
    outcome: 'failure' | 'denied',
    meta: RequestMeta,
    reason: string,
  ) {
    await this.d.store.transaction((tx) =>
      this.d.audit.record(tx, {
        actor: user ? user.username : 'anonymous',
        action: 'auth.login',
        target: user ? `user:${user.username}` : null,
        outcome,
        requestId: meta.requestId,
        details: { address: meta.address, reason },
      }),
    );
  }
}
