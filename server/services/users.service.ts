import type { z } from 'zod';
import type { CreateUserRequestSchema, UpdateUserRequestSchema, User } from '../../shared/schemas/auth.ts';
import { AppError } from '../domain/errors.ts';
import type { DomainEvents } from '../domain/events.ts';
import type { Store } from '../domain/repositories.ts';
import type { Clock } from '../platform/clock.ts';
import type { IdGen } from '../platform/ids.ts';
import type { AuditService } from './audit.service.ts';
import type { PasswordHasher } from './auth/password-hasher.ts';
import { toUserDto, type Principal, type RequestMeta } from './auth/principal.ts';

export interface UsersServiceDeps {
  store: Store;
  hasher: PasswordHasher;
  audit: AuditService;
  events: DomainEvents;
  clock: Clock;
  ids: IdGen;
}

export const INITIAL_ADMIN = 'admin';

/** User accounts: the first admin, and admin-managed users and roles. */
export class UsersService {
  constructor(private readonly d: UsersServiceDeps) {}

  /**
   * Creates the `admin` account when there are no users. With no password given it generates
   * a one-time password that must be changed at first login, and returns it (the only time it
   * exists in plaintext); returns undefined when users already exist.
   */
  async ensureInitialAdmin(password?: string): Promise<{ oneTimePassword: string | null } | undefined> {
    if ((await this.d.store.users.list()).length > 0) return undefined;
    const oneTimePassword = password ? null : this.d.ids.token(18);
    const passwordHash = await this.d.hasher.hash(password ?? (oneTimePassword as string));
    const now = this.d.clock.now().toISOString();
    await this.d.store.transaction(async (tx) => {
      await tx.users.insert({
        id: this.d.ids.uuid(),
        username: INITIAL_ADMIN,
        passwordHash,
        role: 'admin',
        mustChangePassword: oneTimePassword !== null,
        disabled: false,
        createdAt: now,
        updatedAt: now,
      });
      await this.d.audit.record(tx, {
        actor: 'system',
        action: 'user.create',
        target: `user:${INITIAL_ADMIN}`,
        outcome: 'success',
        requestId: null,
        details: { role: 'admin', passwordSource: oneTimePassword ? 'generated-one-time' : 'environment' },
      });
    });
    return { oneTimePassword };
  }

  async list(): Promise<User[]> {
    return (await this.d.store.users.list()).map(toUserDto);
  }

  async create(
    actor: Principal,
    req: z.infer<typeof CreateUserRequestSchema>,
    meta: RequestMeta,
  ): Promise<User> {
    if (await this.d.store.users.findByUsername(req.username)) {
      throw new AppError('USER_EXISTS', `A user named ${req.username} already exists`);
    }
    const passwordHash = await this.d.hasher.hash(req.password);
    const now = this.d.clock.now().toISOString();
    const user = {
      id: this.d.ids.uuid(),
      username: req.username,
      passwordHash,
      role: req.role,
      mustChangePassword: true,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.d.store.transaction(async (tx) => {
      await tx.users.insert(user);
      await this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'user.create',
        target: `user:${user.username}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { role: user.role },
      });
    });
    return toUserDto(user);
  }

  /** Changes role or disabled flag; refuses to leave the console without an active admin. */
  async update(
    actor: Principal,
    id: string,
    req: z.infer<typeof UpdateUserRequestSchema>,
    meta: RequestMeta,
  ): Promise<User> {
    return this.d.store.transaction(async (tx) => {
      const user = await tx.users.findById(id);
      if (!user) throw new AppError('USER_NOT_FOUND', 'No such user');
      const losesAdmin =
        user.role === 'admin' &&
        !user.disabled &&
        ((req.role && req.role !== 'admin') || req.disabled === true);
      if (losesAdmin && (await tx.users.countActiveAdmins()) <= 1) {
        throw new AppError('USER_LAST_ADMIN', 'This is the last active admin; create another admin first');
      }
      const now = this.d.clock.now().toISOString();
      const patch = {
        ...(req.role && { role: req.role }),
        ...(req.disabled !== undefined && { disabled: req.disabled }),
      };
      await tx.users.update(id, { ...patch, updatedAt: now });
      let ended: string[] = [];
      if (req.disabled === true) {
        ended = await tx.sessions.deleteForUser(id);
        await tx.apiTokens.revokeAllForUser(id, now);
      }
      await this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'user.update',
        target: `user:${user.username}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { ...patch, endedSessions: ended.length },
      });
      if (ended.length > 0) {
        tx.afterCommit(() =>
          this.d.events.emit('sessions:ended', { sessionIdHashes: ended, reason: 'disabled' }),
        );
      }
      return toUserDto({ ...user, ...patch, updatedAt: now });
    });
  }
}
