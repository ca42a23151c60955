/**
 * ASC/ASCQ names (T10 list as decoded by sg3_utils 1.46), for the codes reference lto-scsi.md
 * §4.3-4.4 lists: the encryption ones, the tape and changer ones. Names only — what a code
 * means for the driver is decided in sense-errors.ts. Keyed by `asc << 8 | ascq`.
 */
export const ASC_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0000, 'No additional sense information'],
  [0x0001, 'Filemark detected'],
  [0x0002, 'End-of-partition/medium detected'],
  [0x0004, 'Beginning-of-partition/medium detected'],
  [0x0005, 'End-of-data detected'],
  [0x0401, 'Logical unit is in process of becoming ready'],
  [0x0402, 'Logical unit not ready, initializing command required'],
  [0x0403, 'Logical unit not ready, manual intervention required'],
  [0x1403, 'End-of-data not found'],
  [0x1a00, 'Parameter list length error'],
  [0x2000, 'Invalid command operation code'],
  [0x2101, 'Invalid element address'],
  [0x2400, 'Invalid field in CDB'],
  [0x2600, 'Invalid field in parameter list'],
  [0x2601, 'Parameter not supported'],
  [0x2602, 'Parameter value invalid'],
  [0x2610, 'Data decryption key fail limit reached'],
  [0x2611, 'Incomplete key-associated data set'],
  [0x2612, 'Vendor specific key reference not found'],
  [0x2700, 'Write protected'],
  [0x2800, 'Not ready to ready change, medium may have changed'],
  [0x2801, 'Import or export element accessed'],
  [0x2900, 'Power on, reset, or bus device reset occurred'],
  [0x2a01, 'Mode parameters changed'],
  [0x2a11, 'Data encryption parameters changed by another i_t nexus'],
  [0x2a12, 'Data encryption parameters changed by vendor specific event'],
  [0x2a13, 'Data encryption key instance counter has changed'],
  [0x2a14, 'SA creation capabilities data has changed'],
  [0x2c00, 'Command sequence error'],
  [0x3000, 'Incompatible medium installed'],
  [0x3001, 'Cannot read medium - unknown format'],
  [0x3002, 'Cannot read medium - incompatible format'],
  [0x3003, 'Cleaning cartridge installed'],
  [0x3005, 'Cannot write medium - incompatible format'],
  [0x300c, 'WORM medium - overwrite attempted'],
  [0x3a00, 'Medium not present'],
  [0x3b0d, 'Medium destination element full'],
  [0x3b0e, 'Medium source element empty'],
  [0x3b11, 'Medium magazine not accessible'],
  [0x3b12, 'Medium magazine removed'],
  [0x3b13, 'Medium magazine inserted'],
  [0x3f03, 'Inquiry data has changed'],
  [0x5302, 'Medium removal prevented'],
  [0x5508, 'Maximum number of supplemental decryption keys exceeded'],
  [0x7400, 'Security error'],
  [0x7401, 'Unable to decrypt data'],
  [0x7402, 'Unencrypted data encountered while decrypting'],
  [0x7403, 'Incorrect data encryption key'],
  [0x7404, 'Cryptographic integrity validation failed'],
  [0x7405, 'Error decrypting data'],
  [0x7406, 'Unknown signature verification key'],
  [0x7407, 'Encryption parameters not useable'],
  [0x7408, 'Digital signature validation failure'],
  [0x7409, 'Encryption mode mismatch on read'],
  [0x740a, 'Encrypted block not raw read enabled'],
  [0x740b, 'Incorrect encryption parameters'],
  [0x740c, 'Unable to decrypt parameter list'],
  [0x740d, 'Encryption algorithm disabled'],
  [0x7410, 'SA creation parameter value invalid'],
  [0x7411, 'SA creation parameter value rejected'],
  [0x7412, 'Invalid SA usage'],
  [0x7421, 'Data encryption configuration prevented'],
  [0x7430, 'SA creation parameter not supported'],
  [0x7461, 'External data encryption key manager access error'],
  [0x7462, 'External data encryption key manager error'],
  [0x7463, 'External data encryption key not found'],
  [0x7464, 'External data encryption request not authorized'],
  [0x746e, 'External data encryption control timeout'],
  [0x746f, 'External data encryption control error'],
  [0x7471, 'Logical unit access not authorized'],
]);

/**
 * IBM LTO vendor-specific encryption codes (reference §4.3, from LTFS ibm_tape.c and the IBM
 * TS3310 manual), keyed by `senseKey << 16 | asc << 8 | ascq`. They appear when a drive in
 * system- or library-managed mode has to fetch keys; ranges are expanded by `vendorAscName`.
 */
const IBM_VENDOR: ReadonlyMap<number, string> = new Map([
  [0x05ee00, 'IBM: encryption key service not enabled'],
  [0x05ee01, 'IBM: encryption key service not configured'],
  [0x05ee02, 'IBM: encryption key service not available'],
  [0x05ee10, 'IBM: encryption key required'],
  [0x05ee30, 'IBM: encryption prohibited request'],
  [0x05ee31, 'IBM: encryption key unknown'],
  [0x05eee2, 'IBM: encryption key translation disallowed'],
  [0x05eeff, 'IBM: security prohibited function'],
  [0x06ee12, 'IBM: encryption key change detected'],
  [0x06ee18, 'IBM: encryption changed (read)'],
  [0x06ee19, 'IBM: encryption changed (write)'],
  [0x06ee40, 'IBM: EKM identifier changed'],
  [0x06ee41, 'IBM: EKM challenge changed'],
  [0x06ee50, 'IBM: initiator identifier changed'],
  [0x06ee51, 'IBM: initiator response changed'],
  [0x07ee0e, 'IBM: encryption key service timeout'],
  [0x07ee0f, 'IBM: encryption key service failure'],
  [0x04ee0e, 'IBM: encryption key service timeout (LTO-5)'],
  [0x04ee0f, 'IBM: encryption key service failure (LTO-5)'],
  [0x07ef10, 'IBM: encryption key required'],
  [0x07ef11, 'IBM: encryption key generation'],
  [0x07ef13, 'IBM: encryption key translate'],
  [0x07ef1a, 'IBM: encryption key optional'],
  [0x07ef31, 'IBM: encryption key unknown'],
  [0x07efc0, 'IBM: encryption no operation'],
]);

export function vendorAscName(senseKey: number, asc: number, ascq: number): string | undefined {
  const exact = IBM_VENDOR.get((senseKey << 16) | (asc << 8) | ascq);
  if (exact) return exact;
  if (senseKey === 5 && asc === 0xee && ascq >= 0x20 && ascq <= 0x2f)
    return 'IBM: encryption key management error';
  if (senseKey === 3 && asc === 0xee && ascq >= 0xd0) return 'IBM: read decryption failure or fenced';
  return undefined;
}

export const SENSE_KEY_NAMES: readonly string[] = [
  'NO SENSE',
  'RECOVERED ERROR',
  'NOT READY',
  'MEDIUM ERROR',
  'HARDWARE ERROR',
  'ILLEGAL REQUEST',
  'UNIT ATTENTION',
  'DATA PROTECT',
  'BLANK CHECK',
  'VENDOR SPECIFIC',
  'COPY ABORTED',
  'ABORTED COMMAND',
  'RESERVED',
  'VOLUME OVERFLOW',
  'MISCOMPARE',
  'COMPLETED',
];
