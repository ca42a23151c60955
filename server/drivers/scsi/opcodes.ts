/** Operation codes the drivers send and the emulators answer (reference §1, §5). */
export const OPCODE = {
  TEST_UNIT_READY: 0x00,
  REWIND: 0x01,
  REQUEST_SENSE: 0x03,
  READ_BLOCK_LIMITS: 0x05,
  INITIALIZE_ELEMENT_STATUS: 0x07,
  READ_6: 0x08,
  WRITE_6: 0x0a,
  WRITE_FILEMARKS_6: 0x10,
  SPACE_6: 0x11,
  INQUIRY: 0x12,
  MODE_SELECT_6: 0x15,
  MODE_SENSE_6: 0x1a,
  /** LOAD UNLOAD on a tape drive; OPEN/CLOSE IMPORT/EXPORT ELEMENT on a changer. */
  LOAD_UNLOAD: 0x1b,
  PREVENT_ALLOW_MEDIUM_REMOVAL: 0x1e,
  READ_POSITION: 0x34,
  INITIALIZE_ELEMENT_STATUS_WITH_RANGE: 0x37,
  MODE_SENSE_10: 0x5a,
  SECURITY_PROTOCOL_IN: 0xa2,
  MOVE_MEDIUM: 0xa5,
  SECURITY_PROTOCOL_OUT: 0xb5,
  READ_ELEMENT_STATUS: 0xb8,
  /** Older libraries' INITIALIZE ELEMENT STATUS WITH RANGE (reference §5.3: accept both). */
  VENDOR_INITIALIZE_ELEMENT_STATUS_WITH_RANGE: 0xe7,
} as const;

const NAMES = new Map<number, string>(
  Object.entries(OPCODE).map(
    ([name, code]) => [code, name.replace(/_(6|10)$/u, '($1)').replaceAll('_', ' ')] as const,
  ),
);

export function opcodeName(opcode: number): string {
  return NAMES.get(opcode) ?? `opcode 0x${opcode.toString(16).padStart(2, '0')}`;
}

/** SCSI status byte values (SAM). */
export const SCSI_STATUS = {
  GOOD: 0x00,
  CHECK_CONDITION: 0x02,
  BUSY: 0x08,
  RESERVATION_CONFLICT: 0x18,
  TASK_SET_FULL: 0x28,
} as const;

/** The CDB length implied by the opcode's group code (bits 7-5). */
export function cdbLengthForOpcode(opcode: number): number | undefined {
  const group = opcode >> 5;
  if (group === 0) return 6;
  if (group === 1 || group === 2) return 10;
  if (group === 4) return 16;
  if (group === 5) return 12;
  if (opcode === OPCODE.VENDOR_INITIALIZE_ELEMENT_STATUS_WITH_RANGE) return 10;
  return undefined;
}
