import type { SedDrive } from '../../../../shared/schemas/sed.ts';
import type { EraseSubject } from '../../composables/useEraseRequest.ts';

/** Whether a drive can be retired: only an enrolled drive has the escrowed credentials an erase needs. */
export const isRetirable = (drive: Pick<SedDrive, 'state'>): boolean => drive.state === 'enrolled';

/** What retiring one drive names: the drive by serial, and its locking ranges for a re-key. */
export function driveSubject(drive: Pick<SedDrive, 'model' | 'serial' | 'ranges'>): EraseSubject {
  return {
    media: 'sed',
    label: `${drive.model} ${drive.serial}`,
    targets: { kind: 'sed-drives', serials: [drive.serial] },
    ranges: drive.ranges.length ? drive.ranges.map((r) => r.range) : [0],
  };
}
