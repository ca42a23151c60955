import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/domain/errors.ts';
import { checkSchedule, runAtFor } from '../../../server/services/erase/erase-schedule.ts';
import { bindingOf } from '../../../server/services/erase/erase-binding.ts';

const thursday = new Date('2026-12-03T10:00:00Z');

describe('erase schedules', () => {
  it('runs now at approval, a fixed time at that time, or late approval at once', () => {
    expect(runAtFor({ kind: 'now' }, thursday)).toEqual(thursday);
    expect(runAtFor({ kind: 'at', at: '2026-12-04T08:00:00+01:00' }, thursday).toISOString()).toBe(
      '2026-12-04T07:00:00.000Z',
    );
    expect(runAtFor({ kind: 'at', at: '2026-12-01T08:00:00Z' }, thursday)).toEqual(thursday);
  });

  it('finds the next maintenance window in the named time zone, across DST', () => {
    const w = { kind: 'window' as const, cron: '0 2 * * SAT', timeZone: 'Europe/Berlin' };
    expect(runAtFor(w, thursday).toISOString()).toBe('2026-12-05T01:00:00.000Z'); // CET
    expect(runAtFor(w, new Date('2026-06-03T10:00:00Z')).toISOString()).toBe('2026-06-06T00:00:00.000Z'); // CEST
    expect(runAtFor({ ...w, timeZone: 'America/New_York' }, thursday).toISOString()).toBe(
      '2026-12-05T07:00:00.000Z',
    );
  });

  it.each([
    [{ kind: 'at' as const, at: '2026-12-01T00:00:00Z' }, /has passed/],
    [{ kind: 'window' as const, cron: 'every saturday', timeZone: 'UTC' }, /not a cron expression/],
    [{ kind: 'window' as const, cron: '0 2 31 2 *', timeZone: 'UTC' }, /never comes again|not a cron/],
  ])('refuses %j', (schedule, message) => {
    let err: unknown;
    try {
      checkSchedule(schedule, thursday);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(message);
  });

  it('binds an approval to the method, the range and the exact identities, in any order', () => {
    const a = bindingOf('tape-shred', null, ['A00001L9', 'A00002L9']);
    expect(bindingOf('tape-shred', null, ['A00002L9', 'A00001L9'])).toBe(a);
    expect(bindingOf('tape-shred', null, ['A00001L9', 'A00003L9'])).not.toBe(a);
    expect(bindingOf('sed-revert', null, ['A00001L9', 'A00002L9'])).not.toBe(a);
    expect(bindingOf('sed-range-rekey', 1, ['S1'])).not.toBe(bindingOf('sed-range-rekey', 2, ['S1']));
  });
});
