// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TapePool } from '../../../shared/schemas/cartridges.ts';
import { isApiError } from '../api/http.ts';
import { apiError, deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { tapePool } from '../testing/fixtures.ts';
import { POOL_REFRESH_DELAY_MS, useTapePoolsStore } from './tape-pools.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Plays the console: the pools of each library; a new pool is added to its library. */
function console_(byLibrary: Record<string, TapePool[]>): FetchHandler {
  return (call) => {
    const url = new URL(call.url, 'http://x');
    if (call.method === 'GET' && url.pathname === '/api/tape/pools')
      return json(200, { pools: byLibrary[url.searchParams.get('library') ?? ''] ?? [] });
    const created = /^\/api\/tape\/libraries\/([^/]+)\/pools$/.exec(url.pathname);
    if (call.method === 'POST' && created) {
      const body = call.body as { name: string };
      const pool = tapePool(`p${Object.values(byLibrary).flat().length + 1}`, {
        name: body.name,
        librarySerial: created[1]!,
      });
      (byLibrary[created[1]!] ??= []).push(pool);
      return json(201, pool);
    }
    return apiError(404, 'NOT_FOUND', call.url);
  };
}

describe('tape pools store', () => {
  it('reads the pools of the library on screen', async () => {
    handler = console_({ L1: [tapePool('p1', { cartridges: 24 })] });
    const pools = useTapePoolsStore();
    await pools.open('L1');
    expect(calls.map((c) => c.url)).toEqual(['/api/tape/pools?library=L1']);
    expect(pools.pools.map((p) => [p.id, p.cartridges])).toEqual([['p1', 24]]);
    expect(pools.byId.get('p1')?.name).toBe('Pool p1');
  });

  it('creates a pool in that library and reads the list again', async () => {
    handler = console_({ L1: [] });
    const pools = useTapePoolsStore();
    await pools.open('L1');
    const request = {
      name: 'LTO-8 archive',
      selector: { kind: 'prefix' as const, prefix: 'B', mediaId: 'L8' },
      keyPolicy: 'per-pool' as const,
      keyPeriodDays: 30,
    };
    const pool = await pools.create(request);
    expect(pool.name).toBe('LTO-8 archive');
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/tape/libraries/L1/pools', body: request });
    expect(pools.pools.map((p) => p.name)).toEqual(['LTO-8 archive']);
  });

  it('rejects with the server’s message as it was written (overlap, media id, cleaning)', async () => {
    handler = console_({ L1: [tapePool('p1')] });
    const pools = useTapePoolsStore();
    await pools.open('L1');
    handler = () =>
      apiError(400, 'VALIDATION_FAILED', 'A00500–A01500 L9 overlaps pool "LTO-9 data" (A00000–A00999 L9)');
    const err = await pools
      .create({ name: 'x', selector: { kind: 'range', from: 'A00500L9', to: 'A01500L9' } })
      .catch((e: unknown) => e);
    expect(isApiError(err, 'VALIDATION_FAILED')).toBe(true);
    expect((err as Error).message).toBe('A00500–A01500 L9 overlaps pool "LTO-9 data" (A00000–A00999 L9)');
    expect(pools.pools.map((p) => p.id)).toEqual(['p1']);
  });

  it('drops an answer for the library that was left', async () => {
    const slow = deferred<Response>();
    const answer = console_({ L2: [tapePool('p9', { librarySerial: 'L2' })] });
    handler = (call) => (call.url.endsWith('=L1') ? slow.promise : answer(call));
    const pools = useTapePoolsStore();
    const first = pools.open('L1');
    const second = pools.open('L2');
    slow.resolve(json(200, { pools: [tapePool('p1')] }));
    await Promise.all([first, second]);
    expect(pools.library).toBe('L2');
    expect(pools.pools.map((p) => p.id)).toEqual(['p9']);
  });

  it('reads the counts again once after a burst of cartridge changes in its library', async () => {
    vi.useFakeTimers();
    handler = console_({ L1: [tapePool('p1')] });
    const pools = useTapePoolsStore();
    await pools.open('L1');
    expect(pools.applyChange({ librarySerial: 'L2' })).toBe(false);
    for (let i = 0; i < 4; i += 1) pools.applyChange({ librarySerial: 'L1' });
    await vi.advanceTimersByTimeAsync(POOL_REFRESH_DELAY_MS);
    expect(calls).toHaveLength(2);
  });
});
