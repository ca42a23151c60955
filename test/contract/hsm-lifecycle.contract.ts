import { setTimeout as sleep } from 'node:timers/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { kcvOfPlaintext } from '../../server/drivers/hsm/hsm-codecs.ts';
import type { HsmDriver } from '../../server/drivers/hsm/hsm-driver.ts';
import { expectDriverError, type HsmContractContext } from './hsm.contract.ts';

/** open/close, wrong PIN, close with work in flight, timeouts, the event loop, long runs. */
export function describeLifecycleContract(ctx: HsmContractContext): void {
  describe('lifecycle', () => {
    let kek = '';
    beforeAll(async () => {
      kek = ctx.label('kek-lifecycle');
      await (await ctx.driver()).createKek(kek);
      // One driver per module and process: the tests below open their own.
      await ctx.closeShared();
    });

    async function withDriver<T>(fn: (d: HsmDriver) => Promise<T>, opts?: { reinitializeAfterOps?: number }) {
      const d = ctx.target().createDriver(opts);
      await d.open();
      try {
        return await fn(d);
      } finally {
        await d.close();
      }
    }

    it('fails open() on a wrong PIN with HSM_PIN_INCORRECT and leaves nothing half-open', async (t) => {
      const { createWrongPinDriver } = ctx.target();
      if (!createWrongPinDriver) return t.skip('a failed login costs a PIN retry on this token');
      const { driver: bad, pin } = createWrongPinDriver();
      const err = await expectDriverError(bad.open(), 'HSM_PIN_INCORRECT');
      expect(err.retryable).toBe(false);
      expect(`${err.message} ${JSON.stringify(err.detail)}`).not.toContain(pin);
      await expectDriverError(bad.hasKey(kek), 'HSM_CLOSED');
      await expectDriverError(bad.open(), 'HSM_PIN_INCORRECT');
      await bad.close();
      // The module and the token are free again straight away.
      expect(await withDriver((d) => d.hasKey(kek))).toBe(true);
    });

    it('close() rejects in-flight and queued calls with HSM_CLOSED and returns promptly', async () => {
      const d = ctx.target().createDriver();
      await d.open();
      const never = ctx.label('kek-never-created');
      const inFlight = d.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 50_000 });
      const queued = [d.hasKey(kek), d.random(16), d.createKek(never)];
      // Handlers now: close() rejects these before the assertions below get to them.
      const outcomes = [inFlight, ...queued].map((p) =>
        p.then(
          () => 'resolved',
          (e: unknown) => e,
        ),
      );
      await sleep(50);
      const t0 = performance.now();
      await d.close();
      expect(performance.now() - t0).toBeLessThan(3000);
      for (const e of await Promise.all(outcomes))
        expect(e).toMatchObject({ name: 'DriverError', code: 'HSM_CLOSED' });
      await expectDriverError(d.random(8), 'HSM_CLOSED');
      await d.close();
      // The same instance opens again; the queued createKek never ran.
      await d.open();
      expect(await d.hasKey(never)).toBe(false);
      await d.close();
    });

    it('times out or aborts a call without wedging the driver', async () => {
      await withDriver(async (d) => {
        const big = { kekLabel: kek, kind: 'random-32' as const, count: 50_000 };
        const timedOut = await expectDriverError(
          d.generateWrappedSecrets(big, { timeoutMs: 100 }),
          'HSM_TIMEOUT',
        );
        expect(timedOut.retryable).toBe(true);
        const running = new AbortController();
        const waiting = new AbortController();
        const first = d.generateWrappedSecrets(big, { signal: running.signal });
        const second = d.hasKey(kek, { signal: waiting.signal });
        waiting.abort();
        await expectDriverError(second, 'HSM_ABORTED');
        await sleep(30);
        running.abort();
        await expectDriverError(first, 'HSM_ABORTED');
        const t0 = performance.now();
        expect(await d.hasKey(kek)).toBe(true);
        expect(performance.now() - t0).toBeLessThan(2000);
      });
    });

    it('never runs a call that was given up on while it waited behind a running batch', async () => {
      await withDriver(async (d) => {
        // Not generateWrappedSecrets: its big batches may run beside other calls (HsmDriver doc).
        const mac = ctx.label('hmac-blocker');
        await d.createHmacKey(mac);
        const records = Array.from({ length: 100_000 }, (_, i) => Buffer.from(`record ${i}`));
        const never = ctx.label('kek-given-up');
        const running = new AbortController();
        const first = d.hmacSha256Batch(mac, records, { signal: running.signal });
        // Right behind the batch: a driver may already have handed these to its device thread.
        const waiting = [new AbortController(), new AbortController()];
        const second = d.createKek(never, { signal: waiting[0]!.signal });
        const third = d.createKek(`${never}-2`, { signal: waiting[1]!.signal });
        await sleep(20);
        for (const w of waiting) w.abort();
        await expectDriverError(second, 'HSM_ABORTED');
        await expectDriverError(third, 'HSM_ABORTED');
        running.abort();
        await expectDriverError(first, 'HSM_ABORTED');
        expect(await d.hasKey(never)).toBe(false);
        expect(await d.hasKey(`${never}-2`)).toBe(false);
        // Results of later batches still line up with their calls.
        const [a, b] = await Promise.all([
          d.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 3 }),
          d.generateWrappedSecrets({ kekLabel: kek, kind: 'random-32', count: 5 }),
        ]);
        expect([a.length, b.length]).toEqual([3, 5]);
      });
    });

    it('keeps the event loop responsive during a 5,000-key batch (PKCS#11 runs in the worker)', async () => {
      await withDriver(async (d) => {
        const h = monitorEventLoopDelay({ resolution: 10 });
        let ticks = 0;
        const interval = setInterval(() => ticks++, 10);
        h.enable();
        const t0 = performance.now();
        const batch = await d.generateWrappedSecrets({ kekLabel: kek, kind: 'aes-256-key', count: 5000 });
        const elapsedMs = performance.now() - t0;
        h.disable();
        clearInterval(interval);
        expect(batch).toHaveLength(5000);
        expect(h.percentile(99) / 1e6).toBeLessThan(200);
        expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsedMs / 10 / 4));
      });
    });

    it('re-initialises the module periodically on long runs and keeps every secret', async () => {
      await withDriver(
        async (d) => {
          const batch = await d.generateWrappedSecrets({ kekLabel: kek, kind: 'random-32', count: 1000 });
          expect((await d.getStatus()).counters.reinitializations).toBeGreaterThanOrEqual(3);
          for (const s of [batch[0]!, batch[500]!, batch[999]!]) {
            const p = await d.unwrapSecret({ kekLabel: kek, kind: 'random-32', wrapped: s.wrapped });
            expect(kcvOfPlaintext('random-32', p.expose())).toBe(s.kcv);
            p.dispose();
          }
        },
        { reinitializeAfterOps: 300 },
      );
    });
  });
}
