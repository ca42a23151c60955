import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '../../../shared/errors.ts';
import { AppError, isAppError } from '../../domain/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { ERROR_STATUS } from '../error-status.ts';

/** body-parser's own errors, by their `type`, turned into our codes. */
function fromBodyParser(err: unknown): AppError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed')
    return new AppError('BODY_NOT_JSON', 'The request body is not valid JSON');
  if (type === 'entity.too.large') return new AppError('BODY_TOO_LARGE', 'The request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as UTF-8 JSON');
  }
  return undefined;
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.baseUrl}${req.path}`));
};

/**
 * The one error middleware: known errors get their status from ERROR_STATUS and their own
 * message; anything else is logged in full and answered with a bare 500 and the request id.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = isAppError(err) ? err : fromBodyParser(err);
    const requestId = res.locals.requestId;
    let body: ErrorBody;
    let status: number;
    if (known) {
      status = ERROR_STATUS[known.code];
      body = { error: { code: known.code, message: known.message, requestId } };
      if (known.details) body.error.details = known.details;
      if (known.retryAfterSeconds !== undefined) res.set('Retry-After', String(known.retryAfterSeconds));
      if (status >= 500) logger.error({ err: known, requestId }, 'request failed');
    } else {
      status = 500;
      body = {
        error: { code: 'INTERNAL_ERROR', message: 'Internal error; quote the request id', requestId },
      };
      logger.error({ err, requestId }, 'unhandled error');
    }
    res.status(status).json(body);
  };
}
