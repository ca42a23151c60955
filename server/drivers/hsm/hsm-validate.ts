import { DriverError } from '../core/driver-error.ts';
import type { HsmSecretKind } from './hsm-driver.ts';

/** Shared input checks: every HsmDriver implementation rejects the same bad input the same way. */

/** Largest batch one call accepts: 100k × 40 B stays a few MB per message. */
export const MAX_BATCH_SIZE = 100_000;
/** RFC 3394 output for a 32-byte secret: n + 8 bytes. */
export const WRAPPED_LENGTH = 40;
export const SECRET_LENGTH = 32;
export const MAX_RANDOM_BYTES = 4096;
/** HMAC and signature inputs are records and digests, not files. */
export const MAX_DATA_BYTES = 1024 * 1024;

// Printable, no spaces: labels end up in logs, audit records and `pkcs11-tool` listings.
const LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9:._\-/+@]{0,99}$/;
const KINDS: readonly HsmSecretKind[] = ['aes-256-key', 'random-32'];

function invalid(message: string, detail: Record<string, unknown>): DriverError {
  return new DriverError('HSM_INVALID_ARGUMENT', message, { detail });
}

export function assertLabel(label: unknown, field = 'label'): asserts label is string {
  if (typeof label !== 'string' || !LABEL_RE.test(label))
    throw invalid(`${field} must be 1-100 printable characters without spaces`, { field });
}

export function assertKind(kind: unknown): asserts kind is HsmSecretKind {
  if (!KINDS.includes(kind as HsmSecretKind))
    throw invalid(`kind must be one of ${KINDS.join(', ')}`, { field: 'kind' });
}

export function assertBatchSize(n: unknown, field: string): asserts n is number {
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MAX_BATCH_SIZE)
    throw invalid(`${field} must be an integer from 1 to ${MAX_BATCH_SIZE}`, { field });
}

export function assertRandomLength(n: unknown): asserts n is number {
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MAX_RANDOM_BYTES)
    throw invalid(`n must be an integer from 1 to ${MAX_RANDOM_BYTES}`, { field: 'n' });
}

export function assertData(data: unknown, field = 'data'): asserts data is Buffer {
  if (!Buffer.isBuffer(data) || data.length > MAX_DATA_BYTES)
    throw invalid(`${field} must be a Buffer of at most ${MAX_DATA_BYTES} bytes`, { field });
}

/** A blob of the wrong length can never unwrap: say so before asking the HSM. */
export function assertWrappedBlob(blob: unknown, index?: number): asserts blob is Buffer {
  if (!Buffer.isBuffer(blob)) throw invalid('wrapped must be a Buffer', { field: 'wrapped', index });
  if (blob.length !== WRAPPED_LENGTH)
    throw new DriverError('HSM_WRAPPED_KEY_INVALID', `wrapped key must be ${WRAPPED_LENGTH} bytes`, {
      detail: { reason: 'length', length: blob.length, ...(index === undefined ? {} : { index }) },
    });
}
