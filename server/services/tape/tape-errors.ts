import { isDriverError, type DriverErrorCode } from '../../drivers/core/driver-error.ts';
import { AppError, type ErrorCode } from '../../domain/errors.ts';

/**
 * SCSI driver codes → the domain codes the edge shows. The driver's message already carries
 * the decoded sense ("MOVE MEDIUM: ILLEGAL REQUEST 3B/0D MEDIUM DESTINATION ELEMENT FULL"), so
 * the operator sees what the device said, and the code says what it means.
 */
const MAP: Partial<Record<DriverErrorCode, ErrorCode>> = {
  SCSI_TRANSPORT_FAILED: 'TAPE_UNREACHABLE',
  SCSI_TIMEOUT: 'TAPE_UNREACHABLE',
  SCSI_CLOSED: 'TAPE_UNREACHABLE',
  SCSI_BUSY: 'TAPE_BUSY',
  SCSI_RESERVATION_CONFLICT: 'TAPE_BUSY',
  SCSI_NOT_READY: 'TAPE_NOT_READY',
  SCSI_UNIT_ATTENTION: 'TAPE_NOT_READY',
  SCSI_NO_MEDIUM: 'TAPE_NO_MEDIUM',
  SCSI_IDENTITY_MISMATCH: 'TAPE_IDENTITY_MISMATCH',
  TAPE_INCOMPATIBLE_MEDIUM: 'TAPE_INCOMPATIBLE_MEDIUM',
  TAPE_WRITE_PROTECTED: 'TAPE_COMMAND_FAILED',
  LIBRARY_DESTINATION_FULL: 'LIBRARY_DESTINATION_FULL',
  LIBRARY_SOURCE_EMPTY: 'LIBRARY_SOURCE_EMPTY',
  LIBRARY_INVALID_ELEMENT: 'LIBRARY_MOVE_REFUSED',
  LIBRARY_MEDIUM_REMOVAL_PREVENTED: 'LIBRARY_MOVE_REFUSED',
  LIBRARY_ELEMENT_NOT_FOUND: 'LIBRARY_ELEMENT_NOT_FOUND',
};

export function tapeErrorCode(code: DriverErrorCode): ErrorCode {
  const mapped = MAP[code];
  if (mapped) return mapped;
  if (code.startsWith('TAPE_')) return 'TAPE_ENCRYPTION_ERROR';
  return 'TAPE_COMMAND_FAILED';
}

/** Runs a tape or library call and turns a DriverError into the domain error the edge shows. */
export async function tapeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toTapeError(what, err);
  }
}

export function toTapeError(what: string, err: unknown): unknown {
  if (!isDriverError(err)) return err;
  const d = err.detail;
  const details =
    typeof d.senseKey === 'number' && typeof d.asc === 'number' && typeof d.ascq === 'number'
      ? [{ path: 'sense', message: senseText(d.senseKey, d.asc, d.ascq, d.ascName) }]
      : undefined;
  return new AppError(tapeErrorCode(err.code), `${what}: ${err.message}`, {
    cause: err,
    ...(details && { details }),
  });
}

/** `5/3B/0D MEDIUM DESTINATION ELEMENT FULL`: how storage engineers write sense. */
function senseText(key: number, asc: number, ascq: number, name: unknown): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return `${key.toString(16).toUpperCase()}/${hex(asc)}/${hex(ascq)}${typeof name === 'string' ? ` ${name}` : ''}`;
}
