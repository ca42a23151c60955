import { DriverError, type DriverErrorCode } from '../core/driver-error.ts';
import type { CommandResult } from './command-runner.ts';
import { outputLines, tcgStatusOf } from './sedutil-parser.ts';

/**
 * sedutil exit code → DriverError (reference §3). The exit code is the TCG method status when
 * the drive refused (1 NOT_AUTHORIZED, 3 SP_BUSY, 12 INVALID_PARAMETER, 18 AUTHORITY_LOCKED_OUT,
 * 63 FAIL), 129–138 for sedutil's own checks, 255 for SG_IO failures. NVMe errors are truncated
 * to a byte and collide with TCG codes, so the transport messages are checked first.
 */
interface Mapping {
  code: DriverErrorCode;
  retryable?: boolean;
  reason?: string;
}

const BY_EXIT_CODE = new Map<number, Mapping>([
  [0x01, { code: 'SED_AUTH_FAILED' }],
  [0x03, { code: 'SED_SP_BUSY', retryable: true }],
  [0x04, { code: 'SED_INVALID_STATE', reason: 'sp-failed' }],
  [0x05, { code: 'SED_INVALID_STATE', reason: 'sp-disabled' }],
  [0x06, { code: 'SED_INVALID_STATE', reason: 'sp-frozen' }],
  [0x07, { code: 'SED_SP_BUSY', retryable: true, reason: 'no-sessions-available' }],
  [0x12, { code: 'SED_LOCKED_OUT' }],
  [0x81, { code: 'SED_INVALID_ARGUMENT', reason: 'global-range-geometry' }],
  [0x83, { code: 'SED_INVALID_ARGUMENT', reason: 'sedutil-rejected-parameter' }],
  [0x85, { code: 'SED_INVALID_STATE', reason: 'locking-sp-not-inactive' }],
  [0xff, { code: 'SED_TRANSPORT_FAILED', retryable: true }],
]);

/** TCG method status names as sedutil prints them, by number (for `detail.tcgStatus`). */
export const TCG_STATUS_NAMES: Record<number, string> = {
  1: 'NOT_AUTHORIZED',
  3: 'SP_BUSY',
  4: 'SP_FAILED',
  5: 'SP_DISABLED',
  6: 'SP_FROZEN',
  7: 'NO_SESSIONS_AVAILABLE',
  8: 'UNIQUENESS_CONFLICT',
  9: 'INSUFFICIENT_SPACE',
  10: 'INSUFFICIENT_ROWS',
  11: 'INVALID_FUNCTION',
  12: 'INVALID_PARAMETER',
  13: 'INVALID_REFERENCE',
  15: 'TPER_MALFUNCTION',
  16: 'TRANSACTION_FAILURE',
  17: 'RESPONSE_OVERFLOW',
  18: 'AUTHORITY_LOCKED_OUT',
  63: 'FAIL',
};

export interface FailureContext {
  action: string;
  device: string;
  /** Every credential string of the call: scrubbed from `stderrTail`. */
  secrets: readonly string[];
}

const STDERR_TAIL = 600;

function mappingFor(r: CommandResult, text: string): Mapping {
  if (/You do not have permission|Perhaps you might try sudo/.test(text)) {
    return { code: 'SED_PERMISSION_DENIED', reason: 'not-root' };
  }
  if (/libata\.allow_tpm is not set/.test(text))
    return { code: 'SED_PERMISSION_DENIED', reason: 'libata.allow_tpm' };
  if (/NVME Security Command Error|Command failed on (send|recv|exec)|Identify error/.test(text)) {
    return { code: 'SED_TRANSPORT_FAILED', retryable: true };
  }
  if (r.exitCode === 0x88) {
    if (/Invalid or unsupported disk/.test(text))
      return { code: 'SED_NOT_SUPPORTED', reason: 'unsupported-disk' };
    if (/Session start failed rc = 136|header fields have 0 length/.test(text)) {
      return { code: 'SED_TRANSPORT_FAILED', retryable: true, reason: 'empty-response' };
    }
    return { code: 'SED_COMMAND_FAILED', reason: 'usage' };
  }
  // StartSession to a Locking SP that is not activated answers INVALID_PARAMETER (reference §5.4).
  if (r.exitCode === 0x0c && /Session start failed rc = 12/.test(text)) {
    return { code: 'SED_INVALID_STATE', reason: 'locking-sp-inactive' };
  }
  if (r.exitCode === 0x0c && /Unable to set setMBR(Done|Enable)/.test(text)) {
    return { code: 'SED_NOT_SUPPORTED', reason: 'mbr-shadow' };
  }
  return BY_EXIT_CODE.get(r.exitCode) ?? { code: 'SED_COMMAND_FAILED' };
}

/** Replaces each credential, and whatever follows `with password ` (the `-v` PSID log), by `[secret]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('[secret]');
  return out.replace(/(with password )\S+/g, '$1[secret]');
}

/** The DriverError for a sedutil run that did not succeed (non-zero exit, or exit 0 without its success line). */
export function sedutilFailure(r: CommandResult, ctx: FailureContext): DriverError {
  const text = outputLines(`${r.stderr}\n${r.stdout}`).join('\n');
  const m =
    r.exitCode === 0
      ? { code: 'SED_COMMAND_FAILED' as const, reason: 'unexpected-output' }
      : mappingFor(r, text);
  // An exit code is a TCG status only when the drive answered (not for transport failures).
  const status =
    tcgStatusOf(r.stderr) ?? (m.code === 'SED_TRANSPORT_FAILED' ? undefined : TCG_STATUS_NAMES[r.exitCode]);
  const detail: Record<string, unknown> = {
    action: ctx.action,
    device: ctx.device,
    exitCode: r.exitCode,
    stderrTail: scrub(r.stderr, ctx.secrets).slice(-STDERR_TAIL),
  };
  if (status && r.exitCode > 0 && r.exitCode < 64) detail['tcgStatus'] = status;
  if (m.reason) detail['reason'] = m.reason;
  const what = status && r.exitCode < 64 ? ` (${status})` : ` (exit ${r.exitCode})`;
  return new DriverError(m.code, `sedutil-cli --${ctx.action} on ${ctx.device} failed${what}`, {
    detail,
    retryable: m.retryable ?? false,
  });
}
