import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import type { Role } from '../../../shared/schemas/auth.ts';
import { AppError } from '../../domain/errors.ts';
import type { AuthService } from '../../services/auth/auth.service.ts';
import { hasRole } from '../../services/auth/principal.ts';
import { csrfTokenFor } from '../../services/auth/tokens.ts';

export const SESSION_COOKIE = 'lw_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Calls a principal with a required password change may make while they change it. */
const PASSWORD_CHANGE_ALLOWED = new Set(['/api/auth/session', '/api/auth/password', '/api/auth/logout']);

export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const value = parseCookie(cookieHeader)[SESSION_COOKIE];
  return value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

function bearerFrom(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header) : null;
  return match?.[1];
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every request after this middleware is authenticated, by API token (`Authorization: Bearer`)
 * or session cookie. Cookie-authenticated state changes must carry the session's CSRF token;
 * bearer tokens are never sent by a browser on its own, so they need none.
 */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const bearer = bearerFrom(req);
    if (bearer !== undefined || req.get('authorization') !== undefined) {
      const principal = bearer === undefined ? undefined : await auth.authenticateApiToken(bearer);
      if (!principal) throw new AppError('AUTH_REQUIRED', 'The API token is invalid, expired or revoked');
      res.locals.principal = principal;
    } else {
      const token = sessionTokenFrom(req.get('cookie'));
      const principal = token === undefined ? undefined : await auth.authenticateSession(token);
      if (!principal || token === undefined) throw new AppError('AUTH_REQUIRED', 'Log in first');
      if (!SAFE_METHODS.has(req.method)) {
        const sent = req.get(CSRF_HEADER);
        if (!sent || !sameToken(sent, csrfTokenFor(token))) {
          throw new AppError('AUTH_CSRF_FAILED', 'Missing or wrong X-CSRF-Token header; reload the page');
        }
      }
      res.locals.principal = principal;
      res.locals.sessionToken = token;
    }
    if (
      res.locals.principal.user.mustChangePassword &&
      !PASSWORD_CHANGE_ALLOWED.has(req.baseUrl + req.path)
    ) {
      throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', 'Change your one-time password before continuing');
    }
    next();
  };
}

/** Route guard: only the named roles may call. */
export function allow(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal;
    if (!principal) throw new AppError('AUTH_REQUIRED', 'Log in first');
    if (!hasRole(principal, roles)) {
      throw new AppError('AUTH_FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}`);
    }
    next();
  };
}
