import { describe, expect, it } from 'vitest';
import { jobPercent } from '../jobs/labels.ts';
import { formatAge, formatDateTimeZone, formatSpan, formatTimeSameDay } from './format.ts';

describe('formatting', () => {
  it.each([
    [0, '0 s'],
    [59_400, '59 s'],
    [12 * 60_000, '12 min'],
    [5 * 3_600_000, '5 h'],
    [3 * 86_400_000, '3 d'],
    [800 * 86_400_000, '2 y'],
  ])('formatSpan(%i) = %s', (ms, text) => expect(formatSpan(ms)).toBe(text));

  it('gives ages from a date, and a dash for none', () => {
    const now = Date.parse('2026-01-04T00:00:00.000Z');
    expect(formatAge('2026-01-01T00:00:00.000Z', now)).toBe('3 d');
    expect(formatAge(null, now)).toBe('—');
  });

  it('shows only the time when the row already shows the same day', () => {
    expect(formatTimeSameDay('2026-01-01T10:00:05', '2026-01-01T09:00:00')).toBe('10:00:05');
    expect(formatTimeSameDay('2026-01-02T10:00:05', '2026-01-01T09:00:00')).toBe('2026-01-02 10:00');
    expect(formatTimeSameDay(null, '2026-01-01T09:00:00')).toBe('—');
  });

  it('names the zone of a time that sits next to a schedule', () => {
    expect(formatDateTimeZone('2026-12-05T01:00:00.000Z', 'Europe/Berlin')).toBe('2026-12-05 02:00 CET');
    expect(formatDateTimeZone('2026-07-04T23:30:00.000Z', 'UTC')).toBe('2026-07-04 23:30 UTC');
    expect(formatDateTimeZone('2026-07-04T23:30:00.000Z')).toMatch(/^2026-07-0[45] \d\d:\d\d \S+$/);
    expect(formatDateTimeZone(null)).toBe('—');
  });

  it('reads a finished job with nothing to do as complete', () => {
    expect(jobPercent({ done: 0, total: 0, state: 'succeeded' })).toBe(100);
    expect(jobPercent({ done: 0, total: 0, state: 'running' })).toBe(0);
    expect(jobPercent({ done: 1, total: 3, state: 'running' })).toBe(33);
    expect(jobPercent({ done: 1, total: 3, state: 'failed' })).toBe(33);
  });
});
