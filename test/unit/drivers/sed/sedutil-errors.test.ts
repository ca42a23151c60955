import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scrub, sedutilFailure } from '../../../../server/drivers/sed/sedutil-errors.ts';

const fx = (name: string) =>
  readFileSync(new URL(`../../../fixtures/sedutil/${name}`, import.meta.url), 'utf8');
const ctx = { action: 'setLockingRange', device: '/dev/sda', secrets: ['hunter2-password'] };
const fail = (exitCode: number, stderr: string, stdout = '') =>
  sedutilFailure({ exitCode, stdout, stderr }, ctx);

describe('sedutilFailure: exit code and stderr to DriverError (reference §3)', () => {
  it.each([
    [1, fx('error-not-authorized.stderr.txt'), 'SED_AUTH_FAILED', false, 'NOT_AUTHORIZED'],
    [18, fx('error-locked-out.stderr.txt'), 'SED_LOCKED_OUT', false, 'AUTHORITY_LOCKED_OUT'],
    [3, 'method status code SP_BUSY\nSession start failed rc = 3\n', 'SED_SP_BUSY', true, 'SP_BUSY'],
    [7, 'method status code NO_SESSIONS_AVAILABLE\n', 'SED_SP_BUSY', true, 'NO_SESSIONS_AVAILABLE'],
    [12, fx('error-locking-sp-inactive.stderr.txt'), 'SED_INVALID_STATE', false, 'INVALID_PARAMETER'],
    [
      12,
      'method status code INVALID_PARAMETER\nsetupLockingRange Failed \n',
      'SED_COMMAND_FAILED',
      false,
      'INVALID_PARAMETER',
    ],
    [
      12,
      'method status code INVALID_PARAMETER\nSet Failed \nUnable to set setMBRDone on\n',
      'SED_NOT_SUPPORTED',
      false,
      'INVALID_PARAMETER',
    ],
    [63, 'method status code FAIL\nCommand failed\n', 'SED_COMMAND_FAILED', false, 'FAIL'],
    [15, 'method status code TPER_MALFUNCTION\n', 'SED_COMMAND_FAILED', false, 'TPER_MALFUNCTION'],
    [133, 'Locking SP lifecycle is not Manufactured-Inactive\n', 'SED_INVALID_STATE', false, undefined],
    [129, 'global locking range cannot be changed\n', 'SED_INVALID_ARGUMENT', false, undefined],
    [136, 'Invalid or unsupported disk /dev/sda\n', 'SED_NOT_SUPPORTED', false, undefined],
    [136, 'Incorrect number of paramaters for --query command\n', 'SED_COMMAND_FAILED', false, undefined],
    [
      136,
      'One or more header fields have 0 length\nSession start failed rc = 136\n',
      'SED_TRANSPORT_FAILED',
      true,
      undefined,
    ],
    [
      136,
      'You do not have permission to access the raw disk in write mode\nPerhaps you might try sudo to run as root\nInvalid or unsupported disk /dev/sda\n',
      'SED_PERMISSION_DENIED',
      false,
      undefined,
    ],
    [255, 'Command failed on send 255\n', 'SED_TRANSPORT_FAILED', true, undefined],
    // An NVMe status truncated to a byte collides with NOT_AUTHORIZED's exit code.
    [2, 'NVME Security Command Error:8194\n', 'SED_TRANSPORT_FAILED', true, undefined],
    [1, 'NVME Security Command Error:8449\n', 'SED_TRANSPORT_FAILED', true, undefined],
  ] as const)('exit %i → %s', (exitCode, stderr, code, retryable, tcgStatus) => {
    const err = fail(exitCode, stderr);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.detail['exitCode']).toBe(exitCode);
    expect(err.detail['tcgStatus']).toBe(tcgStatus);
    expect(err.detail['device']).toBe('/dev/sda');
  });

  it('treats exit 0 without the success line as a failure (sedutil sometimes lies)', () => {
    const err = fail(0, '', 'setBandsEnabled is not implemented.  It is not part of the Opal SSC \n');
    expect(err.code).toBe('SED_COMMAND_FAILED');
    expect(err.detail['reason']).toBe('unexpected-output');
  });

  it('never carries a credential: stderr is scrubbed, argv is not kept', () => {
    const err = fail(136, 'Argument 3 (hunter2-password) should be a command\n');
    expect(JSON.stringify(err.detail)).not.toContain('hunter2');
    expect(err.message).not.toContain('hunter2');
    expect(scrub('Performing a PSID Revert on /dev/sda with password ABCDEF0123', [])).toBe(
      'Performing a PSID Revert on /dev/sda with password [secret]',
    );
  });
});
