import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../platform/logger.ts';

/**
 * Gives every request an id (echoed as X-Request-Id, quoted in errors and audit records)
 * and logs one line per request: method, route path, status, duration and user. Never the
 * query string, headers or body, which is where secrets would be.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
          user: res.locals.principal?.user.username,
        },
        'request',
      );
    });
    next();
  };
}
