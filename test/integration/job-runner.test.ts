import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainEvents } from '../../server/domain/events.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { cryptoIds } from '../../server/platform/ids.ts';
import { systemClock } from '../../server/platform/clock.ts';
import { JobRunner, type JobHandler } from '../../server/services/jobs/job-runner.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

const logger = createLogger({ level: 'silent' });

/** A job that "processes" items 0..n-1 in batches of 10, recording each item it touched. */
function countingHandler(touched: number[], opts: { failAt?: number; stopAfterBatches?: number } = {}) {
  let batches = 0;
  const handler: JobHandler<{ n: number }> = {
    kind: 'test.count',
    paramsSchema: z.object({ n: z.number().int() }),
    async run(ctx) {
      let next = typeof ctx.cursor?.next === 'number' ? ctx.cursor.next : 0;
      while (next < ctx.params.n) {
        ctx.signal.throwIfAborted();
        const end = Math.min(next + 10, ctx.params.n);
        for (let i = next; i < end; i++) {
          if (i === opts.failAt) throw new Error('item exploded');
          touched.push(i);
        }
        next = end;
        await ctx.progress({ done: next, total: ctx.params.n, cursor: { next } });
        batches++;
        if (opts.stopAfterBatches !== undefined && batches >= opts.stopAfterBatches) {
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
          ctx.signal.throwIfAborted();
        }
      }
    },
  };
  return handler;
}

function runner(store: TestStore, instanceId: string, events = new DomainEvents(), extra = {}) {
  return new JobRunner({
    store,
    events,
    clock: systemClock,
    ids: cryptoIds,
    logger,
    instanceId,
    pollMs: 20,
    heartbeatMs: 50,
    staleAfterMs: 200,
    ...extra,
  });
}

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeEachDialect('JobRunner', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterEach(async () => {
    await dispose();
  });

  it('runs a queued job to completion and streams progress', async () => {
    const touched: number[] = [];
    const events = new DomainEvents();
    const seen: string[] = [];
    events.on('job:progress', (p) => seen.push(`${p.state}:${p.done}/${p.total}`));
    const r = runner(store, 'a', events);
    r.register(countingHandler(touched));
    const job = await store.transaction((tx) =>
      r.enqueue(tx, { kind: 'test.count', params: { n: 35 }, actor: 'tester' }),
    );
    r.start();
    const done = await waitFor(async () => {
      const j = await store.jobs.find(job.id);
      return j?.state === 'succeeded' ? j : undefined;
    });
    await r.stop();
    expect(done).toMatchObject({ done: 35, total: 35, errorCode: null });
    expect(touched).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(seen[0]).toBe('queued:0/0');
    expect(seen).toContain('running:20/35');
    expect(seen.at(-1)).toBe('succeeded:35/35');
  });

  it('resumes from the saved cursor after its instance dies, without redoing committed batches', async () => {
    const first: number[] = [];
    const a = runner(store, 'instance-a');
    a.register(countingHandler(first, { stopAfterBatches: 2 }));
    const job = await store.transaction((tx) =>
      a.enqueue(tx, { kind: 'test.count', params: { n: 50 }, actor: 't' }),
    );
    a.start();
    await waitFor(async () => ((await store.jobs.find(job.id))?.done === 20 ? true : undefined));
    // "Crash": instance a stops heartbeating and never finishes the job.
    await a.stop();
    expect((await store.jobs.find(job.id))?.state).toBe('running');

    const second: number[] = [];
    const b = runner(store, 'instance-b');
    b.register(countingHandler(second));
    b.start();
    const done = await waitFor(async () => {
      const j = await store.jobs.find(job.id);
      return j?.state === 'succeeded' ? j : undefined;
    });
    await b.stop();
    expect(first).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(second).toEqual(Array.from({ length: 30 }, (_, i) => i + 20));
    expect(done.owner).toBe('instance-b');
  });

  it('records a failure with a safe message, and cancels queued and running jobs', async () => {
    const r = runner(store, 'a');
    r.register(countingHandler([], { failAt: 12 }));
    const failing = await store.transaction((tx) =>
      r.enqueue(tx, { kind: 'test.count', params: { n: 30 }, actor: 't' }),
    );
    const later = await store.transaction((tx) =>
      r.enqueue(tx, {
        kind: 'test.count',
        params: { n: 30 },
        actor: 't',
        runAfter: '2999-01-01T00:00:00.000Z',
      }),
    );
    r.start();
    const failed = await waitFor(async () => {
      const j = await store.jobs.find(failing.id);
      return j?.state === 'failed' ? j : undefined;
    });
    expect(failed).toMatchObject({ errorCode: 'INTERNAL_ERROR', done: 10 });
    expect(failed.errorMessage).not.toContain('exploded');
    expect((await r.cancel(later.id))?.state).toBe('cancelled');
    await r.stop();
  });

  it('never lets two runners own the same job', async () => {
    const touchedA: number[] = [];
    const touchedB: number[] = [];
    const a = runner(store, 'a', undefined, { staleAfterMs: 60_000 });
    const b = runner(store, 'b', undefined, { staleAfterMs: 60_000 });
    a.register(countingHandler(touchedA));
    b.register(countingHandler(touchedB));
    const ids = await store.transaction(async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++)
        out.push((await a.enqueue(tx, { kind: 'test.count', params: { n: 20 }, actor: 't' })).id);
      return out;
    });
    a.start();
    b.start();
    await waitFor(async () => {
      const jobs = await Promise.all(ids.map((id) => store.jobs.find(id)));
      return jobs.every((j) => j?.state === 'succeeded') ? true : undefined;
    });
    await Promise.all([a.stop(), b.stop()]);
    expect(touchedA.length + touchedB.length).toBe(6 * 20);
  });
});
