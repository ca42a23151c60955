import { describe, expect, it } from 'vitest';
import { eraseRequest } from '../../testing/fixtures.ts';
import { eraseTimeline, isCancellable, requestTitle } from './labels.ts';

// Midday times keep every day the same in any test time zone.
const NOW = new Date('2026-12-03T12:00:00Z');

describe('the erase timeline', () => {
  it('puts waiting requests apart and groups the rest by the day they run', () => {
    const t = eraseTimeline(
      [
        eraseRequest('wait-2', { createdAt: '2026-12-03T11:00:00.000Z' }),
        eraseRequest('wait-1', { createdAt: '2026-12-03T10:00:00.000Z' }),
        eraseRequest('sat-late', { state: 'scheduled', runAt: '2026-12-05T13:00:00.000Z' }),
        eraseRequest('sat-early', { state: 'scheduled', runAt: '2026-12-05T11:00:00.000Z' }),
        eraseRequest('today', { state: 'completed', runAt: '2026-12-03T11:30:00.000Z' }),
        eraseRequest('tomorrow', { state: 'scheduled', runAt: '2026-12-04T12:00:00.000Z' }),
        eraseRequest('monday', { state: 'completed', runAt: '2026-11-30T12:00:00.000Z' }),
        eraseRequest('last-week', { state: 'failed', runAt: '2026-11-24T12:00:00.000Z' }),
        eraseRequest('denied', { state: 'denied', updatedAt: '2026-12-02T12:00:00.000Z' }),
      ],
      NOW,
    );
    expect(t.awaiting.map((r) => r.id)).toEqual(['wait-1', 'wait-2']);
    expect(t.upcoming.map((d) => [d.key, d.requests.map((r) => r.id)])).toEqual([
      ['2026-12-03', ['today']],
      ['2026-12-04', ['tomorrow']],
      ['2026-12-05', ['sat-early', 'sat-late']],
    ]);
    expect(t.upcoming.map((d) => d.label)).toEqual([
      'Today · Thursday 3 December 2026',
      'Tomorrow · Friday 4 December 2026',
      'Saturday 5 December 2026',
    ]);
    expect(t.past.map((d) => d.key)).toEqual(['2026-11-30', '2026-11-24']);
    expect(t.closed.map((r) => r.id)).toEqual(['denied']);
  });

  it('words a request and knows when it may be cancelled', () => {
    expect(requestTitle(eraseRequest('a', { itemCount: 3 }))).toBe('Crypto-shred · 3 cartridges');
    expect(requestTitle(eraseRequest('b', { method: 'sed-range-rekey', range: 2 }))).toBe(
      'Locking-range re-key (range 2) · 1 drive',
    );
    expect(['pending-approval', 'scheduled', 'running'].every((s) => isCancellable(s as never))).toBe(true);
    expect(['completed', 'failed', 'cancelled', 'denied'].some((s) => isCancellable(s as never))).toBe(false);
  });
});
