import { z } from 'zod';

/**
 * Every error code the API can return. Codes are stable: once shipped they never change
 * meaning or disappear; add new ones instead. The HTTP status for each lives on the server
 * (`server/http/error-status.ts`), the human text for each in `docs/errors.md`.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BODY_NOT_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'ROUTE_NOT_FOUND',
  'AUTH_REQUIRED',
  'AUTH_INVALID_CREDENTIALS',
  'AUTH_RATE_LIMITED',
  'AUTH_CSRF_FAILED',
  'AUTH_FORBIDDEN',
  'AUTH_PASSWORD_CHANGE_REQUIRED',
  'AUTH_PASSWORD_WEAK',
  'USER_EXISTS',
  'USER_NOT_FOUND',
  'USER_LAST_ADMIN',
  'TOKEN_NOT_FOUND',
  'CONFIG_INVALID',
  'DEVICE_NOT_FOUND',
  'KEY_DOMAIN_EXISTS',
  'KEY_DOMAIN_NOT_FOUND',
  'KEY_DOMAIN_NOT_EMPTY',
  'KEY_NOT_FOUND',
  'KEY_STATE_INVALID',
  'KEK_NOT_FOUND',
  'KEK_IN_USE',
  'KEK_ROTATION_RUNNING',
  'HSM_UNAVAILABLE',
  'HSM_ERROR',
  'APPROVAL_NOT_FOUND',
  'APPROVAL_SELF',
  'APPROVAL_NOT_PENDING',
  'APPROVAL_EXPIRED',
  'APPROVAL_ALREADY_GIVEN',
  'APPROVAL_POLICY_UNSATISFIABLE',
  'JOB_NOT_FOUND',
  'SED_NOT_ENROLLED',
  'SED_NOT_SUPPORTED',
  'SED_ALREADY_OWNED',
  'SED_BUSY',
  'SED_AUTH_FAILED',
  'SED_LOCKED_OUT',
  'SED_IDENTITY_MISMATCH',
  'SED_UNREACHABLE',
  'SED_COMMAND_FAILED',
  'TAPE_BUSY',
  'TAPE_UNREACHABLE',
  'TAPE_NOT_READY',
  'TAPE_NO_MEDIUM',
  'TAPE_IDENTITY_MISMATCH',
  'TAPE_INCOMPATIBLE_MEDIUM',
  'TAPE_ENCRYPTION_ERROR',
  'TAPE_COMMAND_FAILED',
  'LIBRARY_DESTINATION_FULL',
  'LIBRARY_SOURCE_EMPTY',
  'LIBRARY_ELEMENT_NOT_FOUND',
  'LIBRARY_MOVE_REFUSED',
  'TAPE_NOT_ENROLLED',
  'TAPE_ENROLLMENT_RUNNING',
  'TAPE_KEY_UNKNOWN',
  'TAPE_KEY_DESTROYED',
  'TAPE_CARTRIDGE_RETIRED',
  'CERTIFICATE_NOT_FOUND',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
/** A stable, machine-readable error code. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The one error body every failing API call returns. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    requestId: z.string().optional(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
