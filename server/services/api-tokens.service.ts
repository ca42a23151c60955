import type { z } from 'zod';
import type { ApiToken, CreateApiTokenRequestSchema, CreatedApiToken } from '../../shared/schemas/auth.ts';
import { AppError } from '../domain/errors.ts';
import type { ApiTokenRecord, Store } from '../domain/repositories.ts';
import type { Clock } from '../platform/clock.ts';
import type { IdGen } from '../platform/ids.ts';
import type { AuditService } from './audit.service.ts';
import type { Principal, RequestMeta } from './auth/principal.ts';
import { API_TOKEN_PREFIX, sha256Hex } from './auth/tokens.ts';

function toDto(t: ApiTokenRecord): ApiToken {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

/** API tokens for automation: shown once at creation, stored only as a hash, always expiring. */
export class ApiTokensService {
  constructor(private readonly d: { store: Store; audit: AuditService; clock: Clock; ids: IdGen }) {}

  async list(principal: Principal): Promise<ApiToken[]> {
    return (await this.d.store.apiTokens.listForUser(principal.user.id)).map(toDto);
  }

  async create(
    principal: Principal,
    req: z.infer<typeof CreateApiTokenRequestSchema>,
    meta: RequestMeta,
  ): Promise<CreatedApiToken> {
    const secret = `${API_TOKEN_PREFIX}${this.d.ids.token(32)}`;
    const now = this.d.clock.now();
    const record: ApiTokenRecord = {
      id: this.d.ids.uuid(),
      userId: principal.user.id,
      name: req.name,
      secretHash: sha256Hex(secret),
      prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + req.expiresInDays * 86_400_000).toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.d.store.transaction(async (tx) => {
      await tx.apiTokens.insert(record);
      await this.d.audit.record(tx, {
        actor: principal.user.username,
        action: 'token.create',
        target: `token:${record.id}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { name: record.name, prefix: record.prefix, expiresAt: record.expiresAt },
      });
    });
    return { token: toDto(record), secret };
  }

  async revoke(principal: Principal, id: string, meta: RequestMeta): Promise<void> {
    await this.d.store.transaction(async (tx) => {
      const token = await tx.apiTokens.findById(id);
      // Another user's token looks exactly like a missing one: no probing of ids.
      if (!token || token.userId !== principal.user.id)
        throw new AppError('TOKEN_NOT_FOUND', 'No such token');
      await tx.apiTokens.revoke(id, this.d.clock.now().toISOString());
      await this.d.audit.record(tx, {
        actor: principal.user.username,
        action: 'token.revoke',
        target: `token:${id}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { name: token.name, prefix: token.prefix },
      });
    });
  }
}
