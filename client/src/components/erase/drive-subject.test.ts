import { describe, expect, it } from 'vitest';
import { sedDrive } from '../../testing/fixtures.ts';
import { driveSubject, isRetirable } from './drive-subject.ts';

describe('retiring a drive from its page', () => {
  it('names the drive by serial with its locking ranges, and every method once enrolled', () => {
    const base = sedDrive('d1', { state: 'enrolled' });
    const range = { ...base.ranges[0]!, range: 3 };
    const drive = { ...base, ranges: [...base.ranges, range] };
    expect(driveSubject(drive)).toEqual({
      media: 'sed',
      label: `${drive.model} ${drive.serial}`,
      targets: { kind: 'sed-drives', serials: [drive.serial] },
      ranges: [0, 3],
      methods: ['sed-revert', 'sed-range-rekey', 'sed-psid-revert'],
    });
    expect(driveSubject({ ...drive, ranges: [] }).ranges).toEqual([0]);
    expect(isRetirable(drive)).toBe(true);
  });

  it('offers only the PSID revert for a drive whose credentials the console does not hold', () => {
    for (const state of ['discovered', 'enroll-failed', 'enrolling', 'rotating'] as const) {
      const drive = sedDrive('d2', { state });
      expect(isRetirable(drive)).toBe(true);
      expect(driveSubject(drive)).toMatchObject({
        methods: ['sed-psid-revert'],
        methodsNote: expect.stringContaining('the PSID from its label is the only way'),
      });
    }
    expect(['missing', 'unsupported'].some((state) => isRetirable({ state } as never))).toBe(false);
  });
});
