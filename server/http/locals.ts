import type { Request, Response } from 'express';
import { AppError } from '../domain/errors.ts';
import type { Principal, RequestMeta } from '../services/auth/principal.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      requestId: string;
      principal?: Principal;
      /** The raw session token from the cookie (never logged, never sent back). */
      sessionToken?: string;
      body?: unknown;
      query?: unknown;
      params?: unknown;
    }
  }
}

/** The authenticated principal; throws if a route forgot `requireAuth` (a bug, so 500 is right). */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (!principal) throw new AppError('AUTH_REQUIRED', 'Authentication required');
  return principal;
}

export function metaOf(req: Request, res: Response): RequestMeta {
  return {
    requestId: res.locals.requestId,
    address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    userAgent: req.get('user-agent') ?? null,
  };
}

/** Validated parts of the request, typed by the caller's schema (see middleware/validate.ts). */
export function bodyOf<T>(res: Response): T {
  return res.locals.body as T;
}

export function queryOf<T>(res: Response): T {
  return res.locals.query as T;
}

export function paramsOf<T>(res: Response): T {
  return res.locals.params as T;
}
