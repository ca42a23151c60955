// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Cartridge } from '../../../shared/schemas/cartridges.ts';
import { isApiError } from '../api/http.ts';
import { apiError, deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { cartridge, job } from '../testing/fixtures.ts';
import {
  CARTRIDGE_REFRESH_DELAY_MS,
  NO_CARTRIDGE_FILTERS,
  normaliseFilters,
  useCartridgesStore,
} from './cartridges.ts';
import { useJobsStore } from './jobs.ts';

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

const barcodes = (from: number, n: number): Cartridge[] =>
  Array.from({ length: n }, (_, i) => cartridge(`A${String(from + i).padStart(5, '0')}L9`));
/** Plays the console: `total` cartridges of L1, paged as asked. */
function library(total: number): FetchHandler {
  return (call) => {
    const url = new URL(call.url, 'http://x');
    if (url.pathname !== '/api/tape/cartridges') return apiError(404, 'NOT_FOUND', call.url);
    const offset = Number(url.searchParams.get('offset'));
    const limit = Number(url.searchParams.get('limit'));
    const page = barcodes(offset + 1, Math.max(0, Math.min(limit, total - offset)));
    return json(200, { cartridges: page, total });
  };
}
const urls = () => calls.map((c) => c.url);

describe('cartridges store: reading', () => {
  it('reads the first page of the library on screen, 50 at a time', async () => {
    handler = library(120);
    const store = useCartridgesStore();
    await store.open('L1');
    expect(urls()).toEqual(['/api/tape/cartridges?library=L1&limit=50&offset=0']);
    expect(store.cartridges).toHaveLength(50);
    expect(store.total).toBe(120);
    await store.setPage(100);
    expect(store.cartridges.map((c) => c.barcode).slice(0, 2)).toEqual(['A00101L9', 'A00102L9']);
  });

  it('sends the filters the server takes: prefix upper-cased, days as a number', async () => {
    handler = library(120);
    const store = useCartridgesStore();
    await store.open('L1');
    await store.setPage(50);
    expect(store.offset).toBe(50);
    await store.setFilters({ pool: 'p1', state: 'enrolled', search: ' a0001 ', keyOlderThanDays: '030' });
    expect(store.offset).toBe(0);
    expect(urls().at(-1)).toBe(
      '/api/tape/cartridges?library=L1&pool=p1&state=enrolled&search=A0001&keyOlderThanDays=30&limit=50&offset=0',
    );
  });

  it('normalises what a person types into the filters', () => {
    expect(normaliseFilters({ pool: '', state: '', search: 'a-00/01 l9x', keyOlderThanDays: '-3' })).toEqual({
      pool: '',
      state: '',
      search: 'A0001L9X',
      keyOlderThanDays: '',
    });
  });

  it('goes back to the last page when the one shown has emptied', async () => {
    handler = library(60);
    const store = useCartridgesStore();
    await store.open('L1');
    await store.setPage(50);
    handler = library(20);
    await store.hydrate();
    expect(store.offset).toBe(0);
    expect(store.cartridges).toHaveLength(20);
  });

  it('starts a new library on its first page with no filters, dropping an answer for the old one', async () => {
    handler = library(3);
    const store = useCartridgesStore();
    await store.open('L1');
    await store.setFilters({ ...NO_CARTRIDGE_FILTERS, pool: 'p1' });
    const slow = deferred<Response>();
    handler = () => slow.promise;
    const first = store.hydrate();
    handler = () => json(200, { cartridges: [cartridge('B00001L8', { librarySerial: 'L2' })], total: 1 });
    const second = store.open('L2');
    slow.resolve(json(200, { cartridges: barcodes(1, 3), total: 3 }));
    await Promise.all([first, second]);
    expect(store.filters).toEqual(NO_CARTRIDGE_FILTERS);
    expect(store.cartridges.map((c) => c.barcode)).toEqual(['B00001L8']);
    expect(urls().at(-1)).toBe('/api/tape/cartridges?library=L2&limit=50&offset=0');
  });

  it('shows why the page could not be read', async () => {
    handler = () => apiError(503, 'SERVICE_UNAVAILABLE', 'No tape driver is configured (drivers.tape.kind)');
    const store = useCartridgesStore();
    await store.open('L1');
    expect(store.error).toBe('No tape driver is configured (drivers.tape.kind)');
  });
});

describe('cartridges store: live', () => {
  it('reads the page once for a burst of cartridges:updated, and ignores other libraries', async () => {
    vi.useFakeTimers();
    handler = library(3);
    const store = useCartridgesStore();
    await store.open('L1');
    expect(store.applyChange({ librarySerial: 'L2', barcodes: ['B00001L8'] })).toBe(false);
    for (let i = 0; i < 5; i += 1) store.applyChange({ librarySerial: 'L1', barcodes: [`A0000${i}L9`] });
    await vi.advanceTimersByTimeAsync(CARTRIDGE_REFRESH_DELAY_MS - 1);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    store.applyChange({ librarySerial: 'L1', barcodes: ['A00009L9'] });
    await vi.advanceTimersByTimeAsync(CARTRIDGE_REFRESH_DELAY_MS);
    expect(calls).toHaveLength(3);
  });
});

describe('cartridges store: actions', () => {
  it('scratches and retires, showing the new state at once', async () => {
    handler = library(2);
    const store = useCartridgesStore();
    await store.open('L1');
    handler = (call) => json(200, { state: call.url.endsWith('/scratch') ? 'scratched' : 'retired' });
    expect(await store.lifecycle('A00001L9', 'scratch')).toBe('scratched');
    expect(await store.lifecycle('A00002L9', 'retire')).toBe('retired');
    expect(calls.slice(-2).map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST /api/tape/cartridges/A00001L9/scratch',
      'POST /api/tape/cartridges/A00002L9/retire',
    ]);
    expect(store.cartridges.map((c) => c.state)).toEqual(['scratched', 'retired']);
  });

  it('rejects with the server’s refusal and changes nothing', async () => {
    handler = library(1);
    const store = useCartridgesStore();
    await store.open('L1');
    handler = () => apiError(409, 'KEY_STATE_INVALID', 'A cartridge that is retired cannot be scratchd');
    const err = await store.lifecycle('A00001L9', 'scratch').catch((e: unknown) => e);
    expect(isApiError(err, 'KEY_STATE_INVALID')).toBe(true);
    expect(store.cartridges[0]?.state).toBe('enrolled');
  });

  it('mounts with a key and shows the key reference the drive was given', async () => {
    handler = library(1);
    const store = useCartridgesStore();
    await store.open('L1');
    const result = {
      barcode: 'A00001L9',
      driveSerial: 'D9',
      keyRef: 'LW-00000000000000FF',
      encrypting: true,
      decryptionMode: 'decrypt',
      keyInstanceCounter: 3,
    };
    handler = () => json(200, result);
    expect(await store.mount('A00001L9', 'D9', 'write')).toEqual(result);
    expect(calls.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/tape/cartridges/A00001L9/mount',
      body: { driveSerial: 'D9', purpose: 'write' },
    });
    expect(store.cartridges[0]?.keyRef).toBe('LW-00000000000000FF');
  });

  it('hands a started enrollment to the jobs store', async () => {
    const preview = { total: 100, alreadyEnrolled: 0, toEnroll: 100, skipped: 0, byPool: [] };
    const started = job('j1', { kind: 'tape.enroll', state: 'queued', total: 100 });
    handler = () => json(202, { preview, job: started });
    const store = useCartridgesStore();
    const request = {
      librarySerial: 'L1',
      source: { kind: 'range' as const, from: 'A00001L9', to: 'A00100L9' },
      preview: false,
    };
    expect(await store.enroll(request)).toEqual({ preview, job: started });
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/tape/enrollments', body: request });
    expect(useJobsStore().jobs.map((j) => j.id)).toEqual(['j1']);
  });
});
