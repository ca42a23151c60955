import { describe, expect, it } from 'vitest';
import { cronProblem, describeSchedule, formatInZone, nextWindow } from './schedule.ts';

const THURSDAY = new Date('2026-12-03T10:00:00Z');

describe('erase schedules in words', () => {
  it('names the next maintenance window in its own time zone', () => {
    const window = { kind: 'window', cron: '0 2 * * SAT', timeZone: 'Europe/Berlin' } as const;
    expect(nextWindow(window, THURSDAY)?.toISOString()).toBe('2026-12-05T01:00:00.000Z');
    expect(describeSchedule(window, null, THURSDAY)).toBe(
      'next window 0 2 * * SAT Europe/Berlin → Sat 5 Dec 02:00 CET',
    );
    // Once approved, the server's run time is what counts.
    expect(describeSchedule(window, '2026-12-12T01:00:00.000Z', THURSDAY)).toBe(
      'next window 0 2 * * SAT Europe/Berlin → Sat 12 Dec 02:00 CET',
    );
  });

  it('words "now" and "at" schedules, and formats a moment in a zone', () => {
    expect(describeSchedule({ kind: 'now' })).toBe('now, as soon as approved');
    expect(formatInZone('2026-07-04T12:30:00Z', 'America/New_York')).toBe('Sat 4 Jul 08:30 GMT-4');
    expect(formatInZone('2026-12-05T01:00:00Z', 'UTC')).toBe('Sat 5 Dec 01:00 UTC');
    expect(describeSchedule({ kind: 'at', at: '2026-12-06T12:00:00Z' })).toMatch(/^at Sun 6 Dec \d\d:\d\d /);
  });

  it('says why a window cannot be used', () => {
    expect(cronProblem('0 2 * * SAT', 'Europe/Berlin', THURSDAY)).toBeNull();
    expect(cronProblem('every saturday', 'UTC', THURSDAY)).toEqual(expect.any(String));
    expect(describeSchedule({ kind: 'window', cron: 'nonsense', timeZone: 'UTC' })).toBe(
      'window nonsense UTC',
    );
  });
});
