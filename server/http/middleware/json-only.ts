import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors.ts';

/**
 * The API speaks JSON only. A request with a body in any other type is refused before parsing
 * (415), which also keeps HTML forms from other sites from posting to it at all.
 */
export const jsonOnly: RequestHandler = (req, _res, next) => {
  const length = Number(req.get('content-length') ?? 0);
  const hasBody = length > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json'));
    return;
  }
  next();
};
