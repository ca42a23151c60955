import { shallowRef, toValue, watch, type MaybeRefOrGetter, type ShallowRef } from 'vue';
import type { Job } from '../../../shared/schemas/jobs.ts';
import { isFinished } from '../stores/jobs.ts';

/** How far a job was at a moment (milliseconds since the epoch). */
export interface RateSample {
  at: number;
  done: number;
}

/** Items per second from the first sample to the last; null until two samples lie apart in time. */
export function rateOf(samples: readonly RateSample[]): number | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last.at <= first.at) return null;
  return Math.max(0, last.done - first.done) / ((last.at - first.at) / 1000);
}

/** Items per second over a finished job's whole run, from the server's start and end times. */
export function overallRate(job: Pick<Job, 'done' | 'startedAt' | 'finishedAt'>): number | null {
  if (!job.startedAt || !job.finishedAt) return null;
  const ms = Date.parse(job.finishedAt) - Date.parse(job.startedAt);
  return Number.isFinite(ms) && ms > 0 ? job.done / (ms / 1000) : null;
}

export type RatedJob = Pick<Job, 'id' | 'done' | 'total' | 'state' | 'startedAt' | 'finishedAt'>;

export interface UseJobRateOptions {
  /** Progress older than this no longer counts for the rate (the newest two samples always do). @default 15000 */
  windowMs?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

export interface UseJobRateReturn {
  /** Items per second (recent progress while running; the whole run once finished), or null. */
  rate: ShallowRef<number | null>;
  /** Milliseconds left at the current rate; 0 once finished; null while unknown. */
  etaMs: ShallowRef<number | null>;
}

/**
 * The rate and time left of a running job, from the progress seen over time (`job:progress`
 * moves `done` a batch at a time). Follows a changing job: a new id starts a new series.
 */
export function useJobRate(
  job: MaybeRefOrGetter<RatedJob | null>,
  options: UseJobRateOptions = {},
): UseJobRateReturn {
  const windowMs = options.windowMs ?? 15_000;
  const now = options.now ?? Date.now;
  const rate = shallowRef<number | null>(null);
  const etaMs = shallowRef<number | null>(null);
  let samples: RateSample[] = [];
  let jobId: string | null = null;

  watch(
    () => {
      const j = toValue(job);
      return j && ([j.id, j.done, j.total, j.state, j.finishedAt] as const);
    },
    () => {
      const j = toValue(job);
      if (!j) {
        samples = [];
        jobId = null;
        rate.value = etaMs.value = null;
        return;
      }
      if (j.id !== jobId) {
        samples = [];
        jobId = j.id;
      }
      const at = now();
      if (samples.at(-1)?.done !== j.done) samples.push({ at, done: j.done });
      while (samples.length > 2 && samples[0]!.at < at - windowMs) samples.shift();
      if (isFinished(j.state)) {
        rate.value = overallRate(j) ?? rateOf(samples);
        etaMs.value = j.state === 'succeeded' ? 0 : null;
        return;
      }
      rate.value = rateOf(samples);
      etaMs.value = rate.value ? (Math.max(0, j.total - j.done) / rate.value) * 1000 : null;
    },
    { immediate: true },
  );

  return { rate, etaMs };
}
