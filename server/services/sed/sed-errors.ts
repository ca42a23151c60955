import { isDriverError, type DriverErrorCode } from '../../drivers/core/driver-error.ts';
import { AppError, type ErrorCode } from '../../domain/errors.ts';

const MAP: Partial<Record<DriverErrorCode, ErrorCode>> = {
  SED_AUTH_FAILED: 'SED_AUTH_FAILED',
  SED_LOCKED_OUT: 'SED_LOCKED_OUT',
  SED_SP_BUSY: 'SED_BUSY',
  SED_NOT_SUPPORTED: 'SED_NOT_SUPPORTED',
  SED_IDENTITY_MISMATCH: 'SED_IDENTITY_MISMATCH',
  SED_TIMEOUT: 'SED_UNREACHABLE',
  SED_COMMAND_FAILED: 'SED_COMMAND_FAILED',
  SED_DEVICE_NOT_FOUND: 'SED_UNREACHABLE',
  SED_TRANSPORT_FAILED: 'SED_UNREACHABLE',
  SED_TOOL_UNAVAILABLE: 'SED_UNREACHABLE',
  SED_CLOSED: 'SED_UNREACHABLE',
};

/** Runs a drive call and turns a DriverError into the domain error the edge shows. */
export async function sedCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDriverError(err)) {
      const code = MAP[err.code] ?? (err.code.startsWith('SED_') ? 'SED_COMMAND_FAILED' : 'SED_UNREACHABLE');
      throw new AppError(code, `${what}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** Transient drive conditions a job waits out instead of failing (never an auth failure). */
export function isTransientSed(err: unknown): boolean {
  return err instanceof AppError && (err.code === 'SED_BUSY' || err.code === 'SED_UNREACHABLE');
}
