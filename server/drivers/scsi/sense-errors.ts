import { DriverError, type DriverErrorCode } from '../core/driver-error.ts';
import { OPCODE, opcodeName } from './opcodes.ts';
import { ascName, describeSense, SENSE_KEY, senseKeyName, type SenseData } from './sense.ts';

/**
 * CHECK CONDITION → DriverError, in one table (reference §4.3-4.4). The error carries the
 * decoded sense (`detail.senseKey/asc/ascq`, their names, the field pointer) so a log or a
 * service can say exactly what the device said; the code says what it means for the caller.
 */
const key = (senseKey: number, asc: number, ascq: number) => (senseKey << 16) | (asc << 8) | ascq;

const EXACT = new Map<number, DriverErrorCode>([
  [key(7, 0x2a, 0x13), 'TAPE_KEY_INSTANCE_CHANGED'],
  [key(6, 0x2a, 0x11), 'TAPE_ENCRYPTION_PARAMETERS_CHANGED'],
  [key(6, 0x2a, 0x12), 'TAPE_ENCRYPTION_PARAMETERS_CHANGED'],
  [key(7, 0x74, 0x01), 'TAPE_DECRYPTION_DISABLED'],
  [key(3, 0x74, 0x01), 'TAPE_DECRYPTION_DISABLED'],
  [key(7, 0x74, 0x02), 'TAPE_UNENCRYPTED_DATA'],
  [key(7, 0x74, 0x03), 'TAPE_WRONG_KEY'],
  [key(7, 0x74, 0x04), 'TAPE_INTEGRITY_FAILED'],
  [key(3, 0x74, 0x04), 'TAPE_INTEGRITY_FAILED'],
  [key(7, 0x74, 0x05), 'TAPE_INTEGRITY_FAILED'],
  [key(3, 0x74, 0x05), 'TAPE_INTEGRITY_FAILED'],
  [key(7, 0x74, 0x0a), 'TAPE_RAW_READ_REFUSED'],
  [key(5, 0x74, 0x21), 'TAPE_ENCRYPTION_NOT_CONTROLLABLE'],
  [key(7, 0x74, 0x21), 'TAPE_ENCRYPTION_NOT_CONTROLLABLE'],
  [key(7, 0x27, 0x00), 'TAPE_WRITE_PROTECTED'],
  [key(7, 0x30, 0x0c), 'TAPE_WRITE_PROTECTED'],
  [key(7, 0x30, 0x05), 'TAPE_INCOMPATIBLE_MEDIUM'],
  [key(5, 0x3b, 0x0d), 'LIBRARY_DESTINATION_FULL'],
  [key(5, 0x3b, 0x0e), 'LIBRARY_SOURCE_EMPTY'],
  [key(5, 0x21, 0x01), 'LIBRARY_INVALID_ELEMENT'],
  [key(5, 0x53, 0x02), 'LIBRARY_MEDIUM_REMOVAL_PREVENTED'],
  [key(2, 0x3a, 0x00), 'SCSI_NO_MEDIUM'],
]);

/** Codes whose condition may pass if the same call is made again. */
const RETRYABLE = new Set<DriverErrorCode>([
  'SCSI_UNIT_ATTENTION',
  'SCSI_BUSY',
  'SCSI_TIMEOUT',
  'SCSI_TRANSPORT_FAILED',
  'TAPE_ENCRYPTION_PARAMETERS_CHANGED',
]);

export function codeForSense(s: SenseData, opcode: number): DriverErrorCode {
  const exact = EXACT.get(key(s.senseKey, s.asc, s.ascq));
  if (exact) return exact;
  const spout = opcode === OPCODE.SECURITY_PROTOCOL_OUT;
  switch (s.senseKey) {
    case SENSE_KEY.NOT_READY:
      return s.asc === 0x3a ? 'SCSI_NO_MEDIUM' : 'SCSI_NOT_READY';
    case SENSE_KEY.UNIT_ATTENTION:
      return 'SCSI_UNIT_ATTENTION';
    case SENSE_KEY.ILLEGAL_REQUEST:
      if (spout && (s.asc === 0x26 || s.asc === 0x1a || s.asc === 0x55))
        return 'TAPE_ENCRYPTION_PARAMETER_REJECTED';
      if (s.asc === 0x30) return 'TAPE_INCOMPATIBLE_MEDIUM';
      if (s.asc === 0x74 || s.asc === 0xee) return 'TAPE_SECURITY_ERROR';
      return 'SCSI_ILLEGAL_REQUEST';
    case SENSE_KEY.DATA_PROTECT:
      if (s.asc === 0x74 || s.asc === 0x26 || s.asc === 0xee || s.asc === 0xef) return 'TAPE_SECURITY_ERROR';
      return 'SCSI_CHECK_CONDITION';
    case SENSE_KEY.MEDIUM_ERROR:
      if (s.asc === 0x30) return 'TAPE_INCOMPATIBLE_MEDIUM';
      if (s.asc === 0xee || s.asc === 0x74) return 'TAPE_SECURITY_ERROR';
      return 'SCSI_CHECK_CONDITION';
    case SENSE_KEY.HARDWARE_ERROR:
      return s.asc === 0xee ? 'TAPE_SECURITY_ERROR' : 'SCSI_CHECK_CONDITION';
    default:
      return 'SCSI_CHECK_CONDITION';
  }
}

export function senseError(s: SenseData, opcode: number): DriverError {
  const code = codeForSense(s, opcode);
  const command = opcodeName(opcode);
  const where = s.fieldPointer
    ? ` at ${s.fieldPointer.inCdb ? 'CDB' : 'parameter'} byte ${s.fieldPointer.field}`
    : '';
  return new DriverError(code, `${command}: ${describeSense(s)}${where}`, {
    retryable: RETRYABLE.has(code) || isBecomingReady(s),
    detail: {
      command,
      opcode,
      senseKey: s.senseKey,
      senseKeyName: senseKeyName(s.senseKey),
      asc: s.asc,
      ascq: s.ascq,
      ascName: ascName(s.asc, s.ascq, s.senseKey),
      deferred: s.deferred,
      ...(s.fieldPointer ? { fieldPointer: s.fieldPointer } : {}),
      ...(s.information !== undefined ? { information: s.information } : {}),
    },
  });
}

/** NOT READY that clears by itself: 04/01 becoming ready (not 04/02 or 04/03, which need action). */
export function isBecomingReady(s: Pick<SenseData, 'senseKey' | 'asc' | 'ascq'>): boolean {
  return s.senseKey === SENSE_KEY.NOT_READY && s.asc === 0x04 && s.ascq === 0x01;
}

export function isRetryableCode(code: DriverErrorCode): boolean {
  return RETRYABLE.has(code);
}
