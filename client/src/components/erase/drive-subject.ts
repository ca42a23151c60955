import type { SedDrive } from '../../../../shared/schemas/sed.ts';
import type { EraseSubject } from '../../composables/useEraseRequest.ts';

/**
 * Drive states a PSID revert accepts (server: PSID_REVERTIBLE): any drive still seen, whether
 * or not its credentials are escrowed. Not `missing` (nobody can reach it) nor `unsupported`.
 */
const PSID_REVERTIBLE: readonly SedDrive['state'][] = [
  'discovered',
  'enrolled',
  'enroll-failed',
  'enrolling',
  'rotating',
];

/**
 * Whether a drive can be retired: an enrolled drive with any method, and one whose credentials
 * are not escrowed (or were lost) with a PSID revert.
 */
export const isRetirable = (drive: Pick<SedDrive, 'state'>): boolean => PSID_REVERTIBLE.includes(drive.state);

/**
 * What retiring one drive names: the drive by serial, its locking ranges for a re-key, and the
 * methods that fit its state (only an enrolled drive has the escrowed SID and Admin1 the others need).
 */
export function driveSubject(drive: Pick<SedDrive, 'model' | 'serial' | 'ranges' | 'state'>): EraseSubject {
  const enrolled = drive.state === 'enrolled';
  return {
    media: 'sed',
    label: `${drive.model} ${drive.serial}`,
    targets: { kind: 'sed-drives', serials: [drive.serial] },
    ranges: drive.ranges.length ? drive.ranges.map((r) => r.range) : [0],
    methods: enrolled ? ['sed-revert', 'sed-range-rekey', 'sed-psid-revert'] : ['sed-psid-revert'],
    ...(!enrolled && {
      methodsNote: `This drive is not enrolled (${drive.state}): the console holds no credentials for it, so the PSID from its label is the only way to erase it.`,
    }),
  };
}
