import type { ErrorCode } from '../../shared/errors.ts';

export type { ErrorCode };

/**
 * The one error class of the domain. Services throw it with a stable shared code and a
 * message that is safe to show to the user (no secrets, no internals); the HTTP edge maps
 * the code to a status. A DriverError or library error goes in `cause`, for the log only.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: { path: string; message: string }[] | undefined;
  /** Seconds the client should wait before retrying (rate limits). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; details?: { path: string; message: string }[]; retryAfterSeconds?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.details = opts.details;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
