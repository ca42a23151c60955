// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, shallowRef } from 'vue';
import { useDueTime } from './useDueTime.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-05T01:40:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('useDueTime', () => {
  it('opens at the moment, also when the clock jumps, and stops looking once due', async () => {
    const at = shallowRef<string | null>('2026-12-05T01:45:00.000Z');
    const scope = effectScope();
    const { due, remainingMs } = scope.run(() => useDueTime(at))!;
    expect(due.value).toBe(false);
    expect(remainingMs.value).toBe(5 * 60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(remainingMs.value).toBe(4 * 60_000);
    // The machine slept: wall time jumps past the moment without timers firing in between.
    vi.setSystemTime(new Date('2026-12-05T01:46:00Z'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(due.value).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    // A new moment (the request was read again) starts the wait over.
    at.value = '2026-12-05T02:00:00.000Z';
    await nextTick();
    expect(due.value).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    scope.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is never due without a moment', () => {
    const scope = effectScope();
    const { due } = scope.run(() => useDueTime(null))!;
    expect(due.value).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    scope.stop();
  });
});
