/**
 * The one error class of the driver layer. `code` is stable (never renamed once shipped);
 * `detail` carries typed, secret-free context; `cause` keeps the underlying error for logs.
 * Services wrap a DriverError in an AppError; it never reaches a client raw.
 */
export const DRIVER_ERROR_CODES = {
  // HSM (PKCS#11)
  HSM_MODULE_LOAD_FAILED: 'the PKCS#11 module could not be loaded',
  HSM_TOKEN_NOT_FOUND: 'no token with the configured label',
  HSM_TOKEN_AMBIGUOUS: 'more than one token has the configured label',
  HSM_PIN_INCORRECT: 'the HSM rejected the PIN',
  HSM_PIN_LOCKED: 'the HSM PIN is locked',
  HSM_NOT_LOGGED_IN: 'the session is not logged in',
  HSM_SESSION_INVALID: 'the HSM session is no longer valid',
  HSM_DEVICE_REMOVED: 'the token was removed',
  HSM_DEVICE_ERROR: 'the HSM reported a device error',
  HSM_KEY_NOT_FOUND: 'no key with that label or id',
  HSM_MECHANISM_INVALID: 'the HSM does not support the mechanism',
  HSM_OPERATION_FAILED: 'the HSM refused the operation',
  HSM_CLOSED: 'the HSM driver is closed',
  HSM_PIN_EXPIRED: 'the HSM PIN has expired and must be changed',
  HSM_KEY_EXISTS: 'a key with that label already exists',
  HSM_KEY_AMBIGUOUS: 'more than one key has that label',
  HSM_KEY_NOT_PERMITTED: "the key's attributes do not allow the operation",
  HSM_WRAPPED_KEY_INVALID: 'the wrapped key is corrupt or was not wrapped under that key',
  HSM_INVALID_ARGUMENT: 'the request to the HSM driver is malformed',
  HSM_MODULE_BUSY: 'another HSM driver in this process already uses the PKCS#11 module',
  HSM_TIMEOUT: 'the HSM did not answer in time',
  HSM_ABORTED: 'the HSM call was aborted by the caller',
  // SED (sedutil-cli / Opal)
  SED_AUTH_FAILED: 'the drive rejected the credential',
  SED_LOCKED_OUT: 'the drive locked the authority out after too many failures',
  SED_SP_BUSY: 'the drive is busy with another session',
  SED_NOT_SUPPORTED: 'the drive does not support the operation',
  SED_COMMAND_FAILED: 'sedutil-cli reported a failure',
  SED_IDENTITY_MISMATCH: 'the drive at that path is not the expected drive',
  SED_TIMEOUT: 'sedutil-cli did not finish in time',
  SED_INVALID_ARGUMENT: 'the request to the SED driver is malformed',
  SED_DEVICE_NOT_FOUND: 'no drive answers at that device path',
  SED_INVALID_STATE: 'the drive is not in a state that allows the operation',
  SED_PERMISSION_DENIED: 'sedutil-cli may not open the drive (not root, or libata.allow_tpm is not set)',
  SED_TRANSPORT_FAILED: 'the command did not reach the drive (SG_IO or NVMe error)',
  SED_TOOL_UNAVAILABLE: 'sedutil-cli could not be started',
  SED_TOOL_UNSUPPORTED: 'the installed sedutil-cli is not a version the driver knows',
  SED_ABORTED: 'the SED call was aborted by the caller',
  SED_CLOSED: 'the SED driver is closed',
  // SCSI / tape / library
  SCSI_CHECK_CONDITION: 'the device returned CHECK CONDITION',
  SCSI_TRANSPORT_FAILED: 'the SCSI transport failed',
  SCSI_TIMEOUT: 'the SCSI command timed out',
  SCSI_DECODE_FAILED: 'the device returned data that could not be decoded',
  SCSI_IDENTITY_MISMATCH: 'the device at that path is not the expected device',
  SCSI_INVALID_ARGUMENT: 'the request to the SCSI driver is malformed',
  SCSI_WRONG_DEVICE_TYPE: 'the device is not of the expected SCSI peripheral type',
  SCSI_NOT_READY: 'the device is not ready',
  SCSI_NO_MEDIUM: 'no medium is loaded',
  SCSI_UNIT_ATTENTION: 'the device kept reporting UNIT ATTENTION',
  SCSI_BUSY: 'the device answered BUSY',
  SCSI_RESERVATION_CONFLICT: 'the device is reserved through another I_T nexus',
  SCSI_ILLEGAL_REQUEST: 'the device refused the command as invalid',
  SCSI_CLOSED: 'the SCSI transport or driver is closed',
  SCSI_ABORTED: 'the SCSI call was aborted by the caller',
  TAPE_ENCRYPTION_UNSUPPORTED: 'the drive or the loaded cartridge cannot encrypt with AES-256-GCM',
  TAPE_ENCRYPTION_NOT_CONTROLLABLE:
    'the library or system, not the application, controls encryption on this drive',
  TAPE_ENCRYPTION_PARAMETER_REJECTED: 'the drive rejected a field of the encryption parameters',
  TAPE_ENCRYPTION_PARAMETERS_CHANGED:
    'the encryption parameters were changed by another I_T nexus or an event',
  TAPE_KEY_INSTANCE_CHANGED: 'the data encryption key changed under a locked I_T nexus',
  TAPE_DECRYPTION_DISABLED: 'the block is encrypted and decryption is not enabled (no key set)',
  TAPE_UNENCRYPTED_DATA: 'a plain block was met while the drive is set to decrypt only',
  TAPE_WRONG_KEY: 'the block is encrypted under a different key',
  TAPE_INTEGRITY_FAILED: 'the block failed cryptographic integrity validation',
  TAPE_RAW_READ_REFUSED: 'the encrypted block is not enabled for raw read',
  TAPE_SECURITY_ERROR: 'the drive reported another encryption or key-management error',
  TAPE_WRITE_PROTECTED: 'the cartridge is write protected or WORM',
  TAPE_INCOMPATIBLE_MEDIUM: 'the cartridge is not compatible with the drive',
  LIBRARY_DESTINATION_FULL: 'the destination element already holds a cartridge',
  LIBRARY_SOURCE_EMPTY: 'the source element holds no cartridge',
  LIBRARY_INVALID_ELEMENT: 'the library has no element at that address',
  LIBRARY_MEDIUM_REMOVAL_PREVENTED:
    'the cartridge cannot be removed (still loaded in the drive, or removal prevented)',
  LIBRARY_ELEMENT_NOT_FOUND: 'no element matches (drive serial or barcode not in the inventory)',
  // Generic
  DRIVER_NOT_AVAILABLE: 'no driver is configured for this device class',
} as const;

export type DriverErrorCode = keyof typeof DRIVER_ERROR_CODES;

export interface DriverErrorOptions {
  /** Secret-free context: never a key, PIN or password. */
  detail?: Record<string, unknown>;
  cause?: unknown;
  /** True when the same call may succeed if tried again unchanged. */
  retryable?: boolean;
}

export class DriverError extends Error {
  override readonly name = 'DriverError';
  readonly code: DriverErrorCode;
  readonly detail: Record<string, unknown>;
  readonly retryable: boolean;

  constructor(code: DriverErrorCode, message?: string, opts: DriverErrorOptions = {}) {
    super(message ?? DRIVER_ERROR_CODES[code], opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.detail = opts.detail ?? {};
    this.retryable = opts.retryable ?? false;
  }
}

export function isDriverError(err: unknown, code?: DriverErrorCode): err is DriverError {
  return err instanceof DriverError && (code === undefined || err.code === code);
}
