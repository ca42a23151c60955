// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../shared/schemas/jobs.ts';
import { deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { job } from '../testing/fixtures.ts';
import { JOBS_MAX, useJobsStore } from './jobs.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const find = (id: string) => useJobsStore().jobs.find((j) => j.id === id);

describe('jobs store', () => {
  it('loads a page, newest first, with the query it was given', async () => {
    handler = () =>
      json(200, {
        jobs: [
          job('old', { createdAt: '2026-01-01T00:00:00.000Z' }),
          job('new', { createdAt: '2026-02-01T00:00:00.000Z' }),
        ],
      });
    const jobs = useJobsStore();
    await jobs.load({ kind: 'kek.rotate' });
    expect(calls[0]?.url).toBe('/api/jobs?limit=50&kind=kek.rotate');
    expect(jobs.jobs.map((j) => j.id)).toEqual(['new', 'old']);
  });

  it('moves a known job along with job:progress without asking the server', () => {
    const jobs = useJobsStore();
    jobs.track(job('j1', { state: 'queued' }));
    jobs.applyProgress({ id: 'j1', done: 3, total: 10, state: 'running' });
    expect(find('j1')).toMatchObject({ done: 3, total: 10, state: 'running', failedItems: 0 });
    jobs.applyProgress({ id: 'j1', done: 5, total: 10, failedItems: 2, state: 'running' });
    expect(find('j1')).toMatchObject({ done: 5, failedItems: 2 });
    expect(calls).toEqual([]);
  });

  it('fetches a job when it ends, for its error message', async () => {
    handler = () =>
      json(
        200,
        job('j1', { state: 'failed', errorCode: 'HSM_UNAVAILABLE', errorMessage: 'The HSM went away' }),
      );
    const jobs = useJobsStore();
    jobs.track(job('j1', { state: 'running' }));
    jobs.applyProgress({ id: 'j1', done: 5, total: 10, state: 'failed' });
    expect(find('j1')?.state).toBe('failed');
    await settle();
    expect(calls.map((c) => c.url)).toEqual(['/api/jobs/j1']);
    expect(find('j1')?.errorMessage).toBe('The HSM went away');
  });

  it('fetches a job it has not seen, and one whose state it does not understand', async () => {
    handler = (call) => json(200, job(call.url.split('/').pop()!, { state: 'running' }));
    const jobs = useJobsStore();
    jobs.track(job('known'));
    jobs.applyProgress({ id: 'stranger', done: 1, total: 2, state: 'running' });
    jobs.applyProgress({ id: 'known', done: 1, total: 2, state: 'exploded' });
    await settle();
    expect(calls.map((c) => c.url)).toEqual(['/api/jobs/stranger', '/api/jobs/known']);
    expect(find('stranger')?.state).toBe('running');
    expect(find('known')?.state).toBe('running');
  });

  it('does not let a slow read bring a finished job back to life', async () => {
    const slow = deferred<Response>();
    handler = () => slow.promise;
    const jobs = useJobsStore();
    jobs.applyProgress({ id: 'j1', done: 0, total: 1, state: 'running' });
    jobs.track(job('j1', { state: 'succeeded', done: 1, total: 1 }));
    slow.resolve(json(200, job('j1', { state: 'running' })));
    await settle();
    expect(find('j1')?.state).toBe('succeeded');
  });

  it('finds the newest job of a kind for given params', () => {
    const jobs = useJobsStore();
    jobs.track(
      job('a', { params: { domainId: 'x' }, createdAt: '2026-01-01T00:00:00.000Z' }),
      job('b', { params: { domainId: 'x' }, createdAt: '2026-01-02T00:00:00.000Z' }),
      job('c', { params: { domainId: 'y' }, createdAt: '2026-01-03T00:00:00.000Z' }),
      job('d', { kind: 'tape.enroll', params: { domainId: 'x' }, createdAt: '2026-01-04T00:00:00.000Z' }),
    );
    expect(jobs.latest('kek.rotate', { domainId: 'x' })?.id).toBe('b');
    expect(jobs.latest('kek.rotate', { domainId: 'z' })).toBeNull();
  });

  it('cancels a job and shows the answer', async () => {
    handler = () => json(200, job('j1', { state: 'cancelled' }));
    const jobs = useJobsStore();
    jobs.track(job('j1', { state: 'running' }));
    await jobs.cancel('j1');
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/jobs/j1/cancel' });
    expect(find('j1')?.state).toBe('cancelled');
  });

  it(`keeps at most ${JOBS_MAX} jobs`, () => {
    const jobs = useJobsStore();
    const many: Job[] = Array.from({ length: JOBS_MAX + 5 }, (_, i) =>
      job(`j${i}`, { createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }),
    );
    jobs.track(...many);
    expect(jobs.jobs).toHaveLength(JOBS_MAX);
    expect(jobs.jobs[0]?.id).toBe(`j${JOBS_MAX + 4}`);
  });
});
