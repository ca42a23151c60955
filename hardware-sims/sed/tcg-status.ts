/** TCG method status codes (Core spec §5.1.5) with sedutil 1.20's names for them (reference §3.1). */
export const TCG = {
  SUCCESS: 0x00,
  NOT_AUTHORIZED: 0x01,
  SP_BUSY: 0x03,
  SP_FAILED: 0x04,
  SP_DISABLED: 0x05,
  SP_FROZEN: 0x06,
  NO_SESSIONS_AVAILABLE: 0x07,
  UNIQUENESS_CONFLICT: 0x08,
  INSUFFICIENT_SPACE: 0x09,
  INSUFFICIENT_ROWS: 0x0a,
  INVALID_FUNCTION: 0x0b,
  INVALID_PARAMETER: 0x0c,
  INVALID_REFERENCE: 0x0d,
  TPER_MALFUNCTION: 0x0f,
  TRANSACTION_FAILURE: 0x10,
  RESPONSE_OVERFLOW: 0x11,
  AUTHORITY_LOCKED_OUT: 0x12,
  FAIL: 0x3f,
} as const;

export type TcgStatusName = keyof typeof TCG;

const NAMES = new Map<number, string>(Object.entries(TCG).map(([name, code]) => [code, name]));

/** What sedutil prints after `method status code ` (0x02 and 0x0E are "Unknown status code"). */
export function tcgStatusName(status: number): string {
  return NAMES.get(status) ?? 'Unknown status code';
}

/** A status given by number (decimal or 0x hex) or by name, as `sedsim fault` accepts it. */
export function parseTcgStatus(text: string): number | undefined {
  const upper = text.toUpperCase();
  if (Object.hasOwn(TCG, upper)) return TCG[upper as TcgStatusName];
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n > 0 && n < 256 ? n : undefined;
}
