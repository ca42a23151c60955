import type { DriverErrorCode } from '../core/driver-error.ts';

/**
 * CKR_* → DriverError code, BY NUMBER (STYLE §3.5). pkcs11js names unknown values
 * `CKR_VENDOR_DEFINED` (e.g. 0x1B CKR_ACTION_PROHIBITED), so names are only for humans.
 *
 * `recovery` says what the worker does once before giving up:
 * - 'reconnect': the session, login or token is gone: finalize, initialize, log in again.
 * - 'relookup': a cached object handle went stale (private handles die with a logout): look the
 *   label up again, reconnecting first if the session turns out not to be healthy.
 */
export type Pkcs11Recovery = 'none' | 'reconnect' | 'relookup';

interface CkrEntry {
  name: string;
  code: DriverErrorCode;
  recovery?: Pkcs11Recovery;
}

const e = (name: string, code: DriverErrorCode, recovery?: Pkcs11Recovery): CkrEntry =>
  recovery ? { name, code, recovery } : { name, code };

const CKR_TABLE = new Map<number, CkrEntry>([
  [0x001, e('CKR_CANCEL', 'HSM_OPERATION_FAILED')],
  [0x002, e('CKR_HOST_MEMORY', 'HSM_DEVICE_ERROR')],
  [0x003, e('CKR_SLOT_ID_INVALID', 'HSM_DEVICE_REMOVED', 'reconnect')],
  [0x005, e('CKR_GENERAL_ERROR', 'HSM_DEVICE_ERROR')],
  [0x006, e('CKR_FUNCTION_FAILED', 'HSM_DEVICE_ERROR')],
  [0x007, e('CKR_ARGUMENTS_BAD', 'HSM_OPERATION_FAILED')],
  [0x010, e('CKR_ATTRIBUTE_READ_ONLY', 'HSM_KEY_NOT_PERMITTED')],
  [0x011, e('CKR_ATTRIBUTE_SENSITIVE', 'HSM_KEY_NOT_PERMITTED')],
  [0x012, e('CKR_ATTRIBUTE_TYPE_INVALID', 'HSM_OPERATION_FAILED')],
  [0x013, e('CKR_ATTRIBUTE_VALUE_INVALID', 'HSM_OPERATION_FAILED')],
  [0x01b, e('CKR_ACTION_PROHIBITED', 'HSM_KEY_NOT_PERMITTED')],
  [0x020, e('CKR_DATA_INVALID', 'HSM_OPERATION_FAILED')],
  [0x021, e('CKR_DATA_LEN_RANGE', 'HSM_OPERATION_FAILED')],
  [0x030, e('CKR_DEVICE_ERROR', 'HSM_DEVICE_ERROR')],
  [0x031, e('CKR_DEVICE_MEMORY', 'HSM_OPERATION_FAILED')],
  [0x032, e('CKR_DEVICE_REMOVED', 'HSM_DEVICE_REMOVED', 'reconnect')],
  [0x040, e('CKR_ENCRYPTED_DATA_INVALID', 'HSM_WRAPPED_KEY_INVALID')],
  [0x041, e('CKR_ENCRYPTED_DATA_LEN_RANGE', 'HSM_WRAPPED_KEY_INVALID')],
  [0x050, e('CKR_FUNCTION_CANCELED', 'HSM_OPERATION_FAILED')],
  [0x054, e('CKR_FUNCTION_NOT_SUPPORTED', 'HSM_MECHANISM_INVALID')],
  [0x060, e('CKR_KEY_HANDLE_INVALID', 'HSM_KEY_NOT_FOUND', 'relookup')],
  [0x062, e('CKR_KEY_SIZE_RANGE', 'HSM_OPERATION_FAILED')],
  [0x063, e('CKR_KEY_TYPE_INCONSISTENT', 'HSM_KEY_NOT_PERMITTED')],
  [0x068, e('CKR_KEY_FUNCTION_NOT_PERMITTED', 'HSM_KEY_NOT_PERMITTED')],
  [0x06a, e('CKR_KEY_UNEXTRACTABLE', 'HSM_KEY_NOT_PERMITTED')],
  [0x070, e('CKR_MECHANISM_INVALID', 'HSM_MECHANISM_INVALID')],
  [0x071, e('CKR_MECHANISM_PARAM_INVALID', 'HSM_MECHANISM_INVALID')],
  [0x082, e('CKR_OBJECT_HANDLE_INVALID', 'HSM_KEY_NOT_FOUND', 'relookup')],
  // A session stuck in an operation (an interrupted *Init) is healed by a fresh session.
  [0x090, e('CKR_OPERATION_ACTIVE', 'HSM_SESSION_INVALID', 'reconnect')],
  [0x091, e('CKR_OPERATION_NOT_INITIALIZED', 'HSM_SESSION_INVALID', 'reconnect')],
  [0x0a0, e('CKR_PIN_INCORRECT', 'HSM_PIN_INCORRECT')],
  [0x0a1, e('CKR_PIN_INVALID', 'HSM_PIN_INCORRECT')],
  [0x0a2, e('CKR_PIN_LEN_RANGE', 'HSM_PIN_INCORRECT')],
  [0x0a3, e('CKR_PIN_EXPIRED', 'HSM_PIN_EXPIRED')],
  [0x0a4, e('CKR_PIN_LOCKED', 'HSM_PIN_LOCKED')],
  [0x0b0, e('CKR_SESSION_CLOSED', 'HSM_SESSION_INVALID', 'reconnect')],
  [0x0b1, e('CKR_SESSION_COUNT', 'HSM_OPERATION_FAILED')],
  [0x0b3, e('CKR_SESSION_HANDLE_INVALID', 'HSM_SESSION_INVALID', 'reconnect')],
  [0x0b5, e('CKR_SESSION_READ_ONLY', 'HSM_OPERATION_FAILED')],
  [0x0b6, e('CKR_SESSION_EXISTS', 'HSM_OPERATION_FAILED')],
  [0x0c0, e('CKR_SIGNATURE_INVALID', 'HSM_OPERATION_FAILED')],
  [0x0c1, e('CKR_SIGNATURE_LEN_RANGE', 'HSM_OPERATION_FAILED')],
  [0x0d0, e('CKR_TEMPLATE_INCOMPLETE', 'HSM_OPERATION_FAILED')],
  [0x0d1, e('CKR_TEMPLATE_INCONSISTENT', 'HSM_OPERATION_FAILED')],
  [0x0e0, e('CKR_TOKEN_NOT_PRESENT', 'HSM_DEVICE_REMOVED', 'reconnect')],
  [0x0e1, e('CKR_TOKEN_NOT_RECOGNIZED', 'HSM_DEVICE_ERROR')],
  [0x0e2, e('CKR_TOKEN_WRITE_PROTECTED', 'HSM_OPERATION_FAILED')],
  [0x0f0, e('CKR_UNWRAPPING_KEY_HANDLE_INVALID', 'HSM_KEY_NOT_FOUND', 'relookup')],
  [0x0f1, e('CKR_UNWRAPPING_KEY_SIZE_RANGE', 'HSM_KEY_NOT_PERMITTED')],
  [0x0f2, e('CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT', 'HSM_KEY_NOT_PERMITTED')],
  [0x100, e('CKR_USER_ALREADY_LOGGED_IN', 'HSM_OPERATION_FAILED')],
  [0x101, e('CKR_USER_NOT_LOGGED_IN', 'HSM_NOT_LOGGED_IN', 'reconnect')],
  [0x102, e('CKR_USER_PIN_NOT_INITIALIZED', 'HSM_PIN_INCORRECT')],
  [0x103, e('CKR_USER_TYPE_INVALID', 'HSM_OPERATION_FAILED')],
  [0x104, e('CKR_USER_ANOTHER_ALREADY_LOGGED_IN', 'HSM_OPERATION_FAILED')],
  [0x110, e('CKR_WRAPPED_KEY_INVALID', 'HSM_WRAPPED_KEY_INVALID')],
  [0x112, e('CKR_WRAPPED_KEY_LEN_RANGE', 'HSM_WRAPPED_KEY_INVALID')],
  [0x113, e('CKR_WRAPPING_KEY_HANDLE_INVALID', 'HSM_KEY_NOT_FOUND', 'relookup')],
  [0x114, e('CKR_WRAPPING_KEY_SIZE_RANGE', 'HSM_KEY_NOT_PERMITTED')],
  [0x115, e('CKR_WRAPPING_KEY_TYPE_INCONSISTENT', 'HSM_KEY_NOT_PERMITTED')],
  [0x120, e('CKR_RANDOM_SEED_NOT_SUPPORTED', 'HSM_MECHANISM_INVALID')],
  [0x121, e('CKR_RANDOM_NO_RNG', 'HSM_MECHANISM_INVALID')],
  [0x130, e('CKR_DOMAIN_PARAMS_INVALID', 'HSM_MECHANISM_INVALID')],
  [0x140, e('CKR_CURVE_NOT_SUPPORTED', 'HSM_MECHANISM_INVALID')],
  [0x150, e('CKR_BUFFER_TOO_SMALL', 'HSM_OPERATION_FAILED')],
  [0x190, e('CKR_CRYPTOKI_NOT_INITIALIZED', 'HSM_SESSION_INVALID', 'reconnect')],
  [0x191, e('CKR_CRYPTOKI_ALREADY_INITIALIZED', 'HSM_OPERATION_FAILED')],
  [0x1a0, e('CKR_MUTEX_BAD', 'HSM_DEVICE_ERROR')],
  [0x1a1, e('CKR_MUTEX_NOT_LOCKED', 'HSM_DEVICE_ERROR')],
  [0x200, e('CKR_FUNCTION_REJECTED', 'HSM_OPERATION_FAILED')],
]);

/** The numbers the driver code names directly. */
export const CKR = {
  GENERAL_ERROR: 0x005,
  DEVICE_REMOVED: 0x032,
  SESSION_HANDLE_INVALID: 0x0b3,
  PIN_INCORRECT: 0x0a0,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
  TOKEN_NOT_PRESENT: 0x0e0,
} as const;

const CKR_VENDOR_DEFINED = 0x8000_0000;

/** Codes whose failure may go away if the same call is made again later. */
export const RETRYABLE_CODES: ReadonlySet<DriverErrorCode> = new Set<DriverErrorCode>([
  'HSM_SESSION_INVALID',
  'HSM_NOT_LOGGED_IN',
  'HSM_DEVICE_REMOVED',
  'HSM_DEVICE_ERROR',
  'HSM_TIMEOUT',
]);

// pkcs11js' plain Errors (C_CreateObject, C_CopyObject, C_SetAttributeValue, C_FindObjects)
// read `CKR_NAME:decimal`; the number is the only part we trust.
const CKR_IN_MESSAGE = /\bCKR_[A-Z0-9_]+:(\d+)\b/;

/** The CKR number carried by a pkcs11js error, or undefined for anything else. */
export function ckrOf(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (err.name === 'Pkcs11Error' && typeof code === 'number' && Number.isInteger(code) && code > 0)
    return code;
  const m = CKR_IN_MESSAGE.exec(err.message);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export interface CkrDescription {
  ckr: number;
  ckrName: string;
  code: DriverErrorCode;
  recovery: Pkcs11Recovery;
  retryable: boolean;
}

export function describeCkr(ckr: number): CkrDescription {
  const entry = CKR_TABLE.get(ckr);
  const hex = `0x${ckr.toString(16).toUpperCase()}`;
  const ckrName =
    entry?.name ?? (ckr >= CKR_VENDOR_DEFINED ? `CKR_VENDOR_DEFINED(${hex})` : `CKR_UNKNOWN(${hex})`);
  const code = entry?.code ?? 'HSM_OPERATION_FAILED';
  return { ckr, ckrName, code, recovery: entry?.recovery ?? 'none', retryable: RETRYABLE_CODES.has(code) };
}
