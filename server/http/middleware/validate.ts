import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from '../../domain/errors.ts';

function issuesToDetails(error: z.ZodError, prefix: string) {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

/**
 * Validates params, query and body with the shared zod schemas before the handler runs, and
 * stores the parsed values in `res.locals`. A rejected request never reaches a service.
 */
export function validate(schemas: {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}): RequestHandler {
  return (req, res, next) => {
    const parts = [
      ['params', schemas.params, req.params],
      ['query', schemas.query, req.query],
      ['body', schemas.body, req.body ?? {}],
    ] as const;
    for (const [name, schema, value] of parts) {
      if (!schema) continue;
      const result = schema.safeParse(value);
      if (!result.success) {
        const details = issuesToDetails(result.error, name);
        const first = details[0];
        next(
          new AppError(
            'VALIDATION_FAILED',
            `Invalid request: ${first ? `${first.path}: ${first.message}` : name}`,
            {
              details,
            },
          ),
        );
        return;
      }
      res.locals[name] = result.data;
    }
    next();
  };
}
