// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { effectScope, nextTick, shallowRef } from 'vue';
import { job } from '../testing/fixtures.ts';
import { overallRate, rateOf, useJobRate, type RatedJob } from './useJobRate.ts';

describe('rateOf', () => {
  it('counts items per second from the first sample to the last', () => {
    expect(rateOf([])).toBeNull();
    expect(rateOf([{ at: 1_000, done: 0 }])).toBeNull();
    expect(
      rateOf([
        { at: 1_000, done: 0 },
        { at: 3_000, done: 50 },
        { at: 5_000, done: 100 },
      ]),
    ).toBe(25);
  });

  it('takes a finished job’s whole run from the server’s times', () => {
    const finished = {
      done: 100,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:04.000Z',
    };
    expect(overallRate(finished)).toBe(25);
    expect(overallRate({ ...finished, finishedAt: null })).toBeNull();
  });
});

describe('useJobRate', () => {
  function setup() {
    let now = 0;
    const current = shallowRef<RatedJob | null>(null);
    const scope = effectScope();
    const rate = scope.run(() => useJobRate(current, { now: () => now, windowMs: 10_000 }))!;
    return { rate, current, tick: (ms: number) => (now += ms) };
  }

  it('follows the progress events: rate over the recent window and the time left', async () => {
    const { rate, current, tick } = setup();
    current.value = job('j1', { state: 'running', done: 0, total: 1_000 });
    await nextTick();
    expect(rate.rate.value).toBeNull();
    tick(2_000);
    current.value = { ...current.value, done: 100 };
    await nextTick();
    expect(rate.rate.value).toBe(50);
    expect(rate.etaMs.value).toBe(18_000);
    // Older samples fall out of the window: the rate follows a slowdown.
    tick(20_000);
    current.value = { ...current.value, done: 200 };
    await nextTick();
    tick(10_000);
    current.value = { ...current.value, done: 210 };
    await nextTick();
    expect(rate.rate.value).toBe(1);
  });

  it('shows the whole run once the job has finished, and starts over for another job', async () => {
    const { rate, current, tick } = setup();
    current.value = job('j1', { state: 'running', done: 0, total: 100 });
    await nextTick();
    tick(1_000);
    current.value = job('j1', {
      state: 'succeeded',
      done: 100,
      total: 100,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:02.000Z',
    });
    await nextTick();
    expect([rate.rate.value, rate.etaMs.value]).toEqual([50, 0]);
    current.value = job('j2', { state: 'running', done: 0, total: 10 });
    await nextTick();
    expect([rate.rate.value, rate.etaMs.value]).toEqual([null, null]);
  });
});
