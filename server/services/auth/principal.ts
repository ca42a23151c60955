import type { Role, User } from '../../../shared/schemas/auth.ts';
import type { UserRecord } from '../../domain/repositories.ts';

/** Who is making a request, and how they proved it. */
export interface Principal {
  user: UserRecord;
  via: 'session' | 'api-token';
  /** SHA-256 of the session token, for session principals. */
  sessionIdHash?: string;
  sessionExpiresAt?: string;
  tokenId?: string;
}

/** Where a request came from, for rate limits and audit. */
export interface RequestMeta {
  requestId: string;
  address: string;
  userAgent: string | null;
}

export function toUserDto(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
    disabled: user.disabled,
    createdAt: user.createdAt,
  };
}

export function hasRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.includes(principal.user.role);
}
