import { describe, expect, it } from 'vitest';
import { eraseRequest } from '../../testing/fixtures.ts';
import { cronProblem, describeSchedule, describeWhen, formatInZone, nextWindow } from './schedule.ts';

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

  it('says "ran at" and "was due" for requests that are over, never "next window"', () => {
    const schedule = { kind: 'window', cron: '0 2 * * SAT', timeZone: 'Europe/Berlin' } as const;
    const base = { schedule, runAt: '2026-12-05T01:00:00.000Z', updatedAt: '2026-12-05T01:00:42.000Z' };
    const when = (patch: object, now = THURSDAY) =>
      describeWhen(eraseRequest('r', { ...base, ...patch }), now);
    expect(when({ state: 'scheduled' })).toBe('next window 0 2 * * SAT Europe/Berlin → Sat 5 Dec 02:00 CET');
    const later = new Date('2026-12-05T01:05:00Z');
    expect(when({ state: 'scheduled' }, later)).toBe(
      'due Sat 5 Dec 02:00 CET (window 0 2 * * SAT Europe/Berlin)',
    );
    expect(when({ state: 'scheduled', method: 'sed-psid-revert' }, later)).toBe(
      'due since Sat 5 Dec 02:00 CET (window 0 2 * * SAT Europe/Berlin): waiting for the PSID at the drive',
    );
    expect(when({ state: 'running', method: 'sed-psid-revert' }, later)).toMatch(
      /^due since .*PSID at the drive$/,
    );
    expect(when({ state: 'running' }, later)).toBe(
      'due Sat 5 Dec 02:00 CET (window 0 2 * * SAT Europe/Berlin), running',
    );
    expect(when({ state: 'completed', updatedAt: '2026-12-05T01:03:00.000Z' }, later)).toBe(
      'ran at Sat 5 Dec 02:03 CET (window 0 2 * * SAT Europe/Berlin)',
    );
    expect(when({ state: 'failed' }, later)).toBe(
      'was due Sat 5 Dec 02:00 CET (window 0 2 * * SAT Europe/Berlin)',
    );
    expect(when({ state: 'cancelled' }, later)).toMatch(/^was due Sat 5 Dec 02:00 CET/);
    expect(when({ state: 'denied', runAt: null })).toBe('window 0 2 * * SAT Europe/Berlin; never ran');
    expect(when({ state: 'pending-approval', runAt: null })).toMatch(/^next window/);
    expect(
      describeWhen(eraseRequest('n', { state: 'completed', runAt: base.runAt, updatedAt: base.updatedAt })),
    ).toMatch(/^ran at Sat 5 Dec \d\d:\d\d \S+$/);
  });
});
