import { isDriverError, type DriverErrorCode } from '../../drivers/core/driver-error.ts';
import { AppError } from '../../domain/errors.ts';

/** Driver codes that mean "the HSM is not usable right now" rather than "it refused this call". */
const UNAVAILABLE = new Set<DriverErrorCode>([
  'HSM_MODULE_LOAD_FAILED',
  'HSM_TOKEN_NOT_FOUND',
  'HSM_TOKEN_AMBIGUOUS',
  'HSM_PIN_INCORRECT',
  'HSM_PIN_LOCKED',
  'HSM_NOT_LOGGED_IN',
  'HSM_SESSION_INVALID',
  'HSM_DEVICE_REMOVED',
  'HSM_CLOSED',
  'HSM_MODULE_BUSY',
  'HSM_TIMEOUT',
  'HSM_DEVICE_ERROR',
  'DRIVER_NOT_AVAILABLE',
]);

/** Runs an HSM call and turns a DriverError into the domain error the edge knows how to show. */
export async function hsmCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDriverError(err)) {
      const code = UNAVAILABLE.has(err.code) ? 'HSM_UNAVAILABLE' : 'HSM_ERROR';
      throw new AppError(code, `HSM ${what} failed: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
