import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import { JobStateSchema, type Job } from '../../../shared/schemas/jobs.ts';
import type { ServerToClientEvents } from '../../../shared/socket/events.ts';
import { api, errorMessage } from '../api/http.ts';

/** Most jobs kept in memory (the Jobs page shows the newest). */
export const JOBS_MAX = 200;
export const JOBS_PAGE_SIZE = 50;

export type JobProgressEvent = Parameters<ServerToClientEvents['job:progress']>[0];
export type JobState = Job['state'];

const TERMINAL: ReadonlySet<JobState> = new Set(['succeeded', 'failed', 'cancelled']);

export function isFinished(state: JobState): boolean {
  return TERMINAL.has(state);
}

/** Whether a job may still be cancelled. */
export function isActive(state: JobState): boolean {
  return state === 'queued' || state === 'running';
}

function newestFirst(a: Job, b: Job): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/**
 * Durable jobs (rotations, bulk enrollment, …) and their live progress. Pages join the `jobs`
 * room and feed every `job:progress` to `applyProgress`; when a job ends (or one appears that
 * is not known here yet) its full record is fetched, for the error message and times.
 */
export const useJobsStore = defineStore('jobs', () => {
  const jobs = shallowRef<readonly Job[]>([]);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);

  function set(list: Job[]): void {
    jobs.value = list.sort(newestFirst).slice(0, JOBS_MAX);
  }

  /** Adds or replaces jobs with records read from the server. */
  function track(...incoming: Job[]): void {
    const byId = new Map(jobs.value.map((j) => [j.id, j]));
    for (const job of incoming) {
      const current = byId.get(job.id);
      // A read that started before the job ended must not bring it back to life.
      if (current && isFinished(current.state) && !isFinished(job.state)) continue;
      byId.set(job.id, job);
    }
    set([...byId.values()]);
  }

  /** Loads a page of jobs (all kinds by default) and merges it with what is known. */
  async function load(query: { kind?: string; limit?: number } = {}): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const { jobs: page } = await api.call('jobs.list', { query: { limit: JOBS_PAGE_SIZE, ...query } });
      track(...page);
      loaded.value = true;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  const hydrate = (): Promise<void> => load();

  /** Refetches one job; a job that has vanished keeps its last known state. */
  async function refresh(id: string): Promise<void> {
    try {
      track(await api.call('jobs.get', { params: { id } }));
    } catch {
      // The next progress event or page load tries again.
    }
  }

  /** A live `job:progress` event (validated: it is inbound data). */
  function applyProgress(progress: JobProgressEvent): void {
    const state = JobStateSchema.safeParse(progress.state);
    const current = jobs.value.find((j) => j.id === progress.id);
    if (!current || !state.success) {
      void refresh(progress.id);
      return;
    }
    const updated: Job = {
      ...current,
      done: progress.done,
      total: progress.total,
      state: state.data,
      ...(typeof progress.failedItems === 'number' && { failedItems: progress.failedItems }),
    };
    jobs.value = jobs.value.map((j) => (j.id === updated.id ? updated : j));
    if (isFinished(state.data)) void refresh(progress.id);
  }

  async function cancel(id: string): Promise<Job> {
    const job = await api.call('jobs.cancel', { params: { id } });
    track(job);
    return job;
  }

  /** The newest job of `kind` whose params match, e.g. the last rotation of a domain. */
  function latest(kind: string, params: Record<string, unknown>): Job | null {
    return (
      jobs.value.find(
        (j) => j.kind === kind && Object.entries(params).every(([key, value]) => j.params[key] === value),
      ) ?? null
    );
  }

  function dehydrate(): void {
    jobs.value = [];
    loaded.value = false;
    error.value = null;
  }

  return {
    jobs,
    loading,
    loaded,
    error,
    load,
    hydrate,
    refresh,
    track,
    applyProgress,
    cancel,
    latest,
    dehydrate,
  };
});
