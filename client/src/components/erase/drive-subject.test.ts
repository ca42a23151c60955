import { describe, expect, it } from 'vitest';
import { sedDrive } from '../../testing/fixtures.ts';
import { driveSubject, isRetirable } from './drive-subject.ts';

describe('retiring a drive from its page', () => {
  it('names the drive by serial with its locking ranges, and only once enrolled', () => {
    const base = sedDrive('d1', { state: 'enrolled' });
    const range = { ...base.ranges[0]!, range: 3 };
    const drive = { ...base, ranges: [...base.ranges, range] };
    expect(driveSubject(drive)).toEqual({
      media: 'sed',
      label: `${drive.model} ${drive.serial}`,
      targets: { kind: 'sed-drives', serials: [drive.serial] },
      ranges: [0, 3],
    });
    expect(driveSubject({ ...drive, ranges: [] }).ranges).toEqual([0]);
    expect(isRetirable(drive)).toBe(true);
    expect(['discovered', 'enrolling', 'missing'].some((state) => isRetirable({ state } as never))).toBe(
      false,
    );
  });
});
