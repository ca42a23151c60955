import { Router, type CookieOptions } from 'express';
import { API } from '../../../shared/api/routes.ts';
import type { LoginRequest } from '../../../shared/schemas/auth.ts';
import type { z } from 'zod';
import type { ChangePasswordRequestSchema } from '../../../shared/schemas/auth.ts';
import { AppError } from '../../domain/errors.ts';
import type { AuthService } from '../../services/auth/auth.service.ts';
import { bodyOf, metaOf, principalOf } from '../locals.ts';
import type { HttpMetrics } from '../metrics.ts';
import { SESSION_COOKIE } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

export interface AuthRoutesDeps {
  auth: AuthService;
  metrics: HttpMetrics;
  secureCookies: boolean;
  absoluteTimeoutHours: number;
}

/** Login is the one public API route; it is mounted before `requireAuth`. */
export function publicAuthRoutes(d: AuthRoutesDeps): Router {
  const cookie: CookieOptions = {
    httpOnly: true,
    sameSite: 'strict',
    secure: d.secureCookies,
    path: '/',
    maxAge: d.absoluteTimeoutHours * 3_600_000,
  };
  const router = Router();
  router.post(API['auth.login'].path, validate({ body: API['auth.login'].body }), async (req, res) => {
    try {
      const { sessionToken, info } = await d.auth.login(bodyOf<LoginRequest>(res), metaOf(req, res));
      d.metrics.logins.inc({ outcome: 'success' });
      res.cookie(SESSION_COOKIE, sessionToken, cookie).json(info);
    } catch (err) {
      d.metrics.logins.inc({ outcome: err instanceof AppError ? err.code : 'error' });
      throw err;
    }
  });
  return router;
}

export function authRoutes(d: AuthRoutesDeps): Router {
  const router = Router();
  router.get(API['auth.session'].path, (_req, res) => {
    const principal = principalOf(res);
    const token = res.locals.sessionToken;
    if (!token || !principal.sessionExpiresAt) {
      throw new AppError('AUTH_REQUIRED', 'API tokens have no browser session');
    }
    res.json(d.auth.sessionInfo(principal.user, token, new Date().toISOString(), principal.sessionExpiresAt));
  });
  router.post(API['auth.logout'].path, async (req, res) => {
    await d.auth.logout(principalOf(res), metaOf(req, res));
    res.clearCookie(SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: d.secureCookies,
    });
    res.status(204).end();
  });
  router.post(
    API['auth.changePassword'].path,
    validate({ body: API['auth.changePassword'].body }),
    async (req, res) => {
      await d.auth.changePassword(
        principalOf(res),
        bodyOf<z.infer<typeof ChangePasswordRequestSchema>>(res),
        metaOf(req, res),
      );
      res.status(204).end();
    },
  );
  return router;
}
