import { describe, expect, it } from 'vitest';
import { DRIVER_ERROR_CODES } from '../../../../server/drivers/core/driver-error.ts';
import { ckrOf, describeCkr, RETRYABLE_CODES } from '../../../../server/drivers/hsm/pkcs11-errors.ts';

/** pkcs11js' two error shapes, reproduced without loading the native module. */
function pkcs11Error(name: string, code: number): Error {
  const err = new Error(name) as Error & { code: number };
  err.name = 'Pkcs11Error';
  err.code = code;
  return err;
}

describe('ckrOf', () => {
  it('takes the number of a Pkcs11Error', () => {
    expect(ckrOf(pkcs11Error('CKR_PIN_INCORRECT', 0xa0))).toBe(0xa0);
  });

  it('trusts the number, not the name, when they disagree', () => {
    expect(ckrOf(pkcs11Error('CKR_OK', 0xa4))).toBe(0xa4);
  });

  it('parses the decimal number from the plain Errors of C_CreateObject & co.', () => {
    expect(ckrOf(new Error('CKR_VENDOR_DEFINED:27'))).toBe(0x1b);
    expect(ckrOf(new Error('CKR_ATTRIBUTE_VALUE_INVALID:19\n    at PKCS11.C_CreateObject'))).toBe(0x13);
  });

  it('never maps a bare name or an unrelated error', () => {
    expect(ckrOf(new Error('CKR_PIN_INCORRECT'))).toBeUndefined();
    expect(ckrOf(new TypeError('Argument 0 has wrong type. Should be a Buffer'))).toBeUndefined();
    expect(ckrOf(new Error('something:42'))).toBeUndefined();
    expect(ckrOf('CKR_PIN_INCORRECT:160')).toBeUndefined();
    expect(ckrOf(null)).toBeUndefined();
    expect(ckrOf(pkcs11Error('CKR_OK', 0))).toBeUndefined();
  });
});

describe('describeCkr', () => {
  it.each([
    [0x0a0, 'CKR_PIN_INCORRECT', 'HSM_PIN_INCORRECT', 'none', false],
    [0x0a4, 'CKR_PIN_LOCKED', 'HSM_PIN_LOCKED', 'none', false],
    [0x0a3, 'CKR_PIN_EXPIRED', 'HSM_PIN_EXPIRED', 'none', false],
    [0x0b3, 'CKR_SESSION_HANDLE_INVALID', 'HSM_SESSION_INVALID', 'reconnect', true],
    [0x0b0, 'CKR_SESSION_CLOSED', 'HSM_SESSION_INVALID', 'reconnect', true],
    [0x101, 'CKR_USER_NOT_LOGGED_IN', 'HSM_NOT_LOGGED_IN', 'reconnect', true],
    [0x032, 'CKR_DEVICE_REMOVED', 'HSM_DEVICE_REMOVED', 'reconnect', true],
    [0x0e0, 'CKR_TOKEN_NOT_PRESENT', 'HSM_DEVICE_REMOVED', 'reconnect', true],
    [0x113, 'CKR_WRAPPING_KEY_HANDLE_INVALID', 'HSM_KEY_NOT_FOUND', 'relookup', false],
    [0x0f0, 'CKR_UNWRAPPING_KEY_HANDLE_INVALID', 'HSM_KEY_NOT_FOUND', 'relookup', false],
    [0x082, 'CKR_OBJECT_HANDLE_INVALID', 'HSM_KEY_NOT_FOUND', 'relookup', false],
    [0x110, 'CKR_WRAPPED_KEY_INVALID', 'HSM_WRAPPED_KEY_INVALID', 'none', false],
    [0x112, 'CKR_WRAPPED_KEY_LEN_RANGE', 'HSM_WRAPPED_KEY_INVALID', 'none', false],
    [0x011, 'CKR_ATTRIBUTE_SENSITIVE', 'HSM_KEY_NOT_PERMITTED', 'none', false],
    [0x01b, 'CKR_ACTION_PROHIBITED', 'HSM_KEY_NOT_PERMITTED', 'none', false],
    [0x068, 'CKR_KEY_FUNCTION_NOT_PERMITTED', 'HSM_KEY_NOT_PERMITTED', 'none', false],
    [0x070, 'CKR_MECHANISM_INVALID', 'HSM_MECHANISM_INVALID', 'none', false],
    [0x140, 'CKR_CURVE_NOT_SUPPORTED', 'HSM_MECHANISM_INVALID', 'none', false],
    [0x005, 'CKR_GENERAL_ERROR', 'HSM_DEVICE_ERROR', 'none', true],
    [0x030, 'CKR_DEVICE_ERROR', 'HSM_DEVICE_ERROR', 'none', true],
    [0x0e2, 'CKR_TOKEN_WRITE_PROTECTED', 'HSM_OPERATION_FAILED', 'none', false],
  ])('0x%s → %s → %s (%s)', (ckr, ckrName, code, recovery, retryable) => {
    expect(describeCkr(ckr)).toEqual({ ckr, ckrName, code, recovery, retryable });
  });

  it('names unknown and vendor-defined values by number and fails them safely', () => {
    expect(describeCkr(0x8000_0042)).toMatchObject({
      ckrName: 'CKR_VENDOR_DEFINED(0x80000042)',
      code: 'HSM_OPERATION_FAILED',
      recovery: 'none',
    });
    expect(describeCkr(0x7777)).toMatchObject({
      ckrName: 'CKR_UNKNOWN(0x7777)',
      code: 'HSM_OPERATION_FAILED',
    });
  });

  it('only maps to codes that exist in the DriverError catalog', () => {
    for (let ckr = 1; ckr < 0x300; ckr++) expect(DRIVER_ERROR_CODES).toHaveProperty(describeCkr(ckr).code);
    for (const code of RETRYABLE_CODES) expect(DRIVER_ERROR_CODES).toHaveProperty(code);
  });
});
