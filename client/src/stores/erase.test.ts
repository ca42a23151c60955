// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { eraseRequest, job } from '../testing/fixtures.ts';
import { ERASE_REFRESH_INTERVAL_MS, useEraseStore } from './erase.ts';

const detailOf = (id: string, patch = {}) => ({
  ...eraseRequest(id, { state: 'completed', runAt: '2026-12-03T10:00:00.000Z', jobId: 'j1', ...patch }),
  items: [
    {
      id: 'i1',
      itemRef: 'cartridge:A00001L9',
      identity: 'A00001L9',
      description: 'LTO cartridge A00001L9',
      state: 'erased',
      result: 'verified: key destroyed',
      certificateId: 'c1',
      updatedAt: '2026-12-03T10:00:01.000Z',
    },
  ],
});

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

const lists = () => calls.filter((c) => c.url === '/api/erase/requests' && c.method === 'GET').length;

describe('erase store', () => {
  it('lists the requests newest first and reads the open one with its items', async () => {
    handler = (call) =>
      call.url === '/api/erase/requests'
        ? json(200, {
            requests: [
              eraseRequest('old', { createdAt: '2026-12-01T00:00:00.000Z' }),
              eraseRequest('new', { createdAt: '2026-12-02T00:00:00.000Z' }),
            ],
          })
        : json(200, detailOf('old'));
    const store = useEraseStore();
    await store.hydrate();
    expect(store.requests.map((r) => r.id)).toEqual(['new', 'old']);
    expect(store.loaded).toBe(true);
    await store.open('old');
    expect(calls.at(-1)?.url).toBe('/api/erase/requests/old');
    expect(store.detail?.items[0]).toMatchObject({ identity: 'A00001L9', certificateId: 'c1' });
    store.close();
    expect([store.selectedId, store.detail]).toEqual([null, null]);
  });

  it("says why a failed request was refused as a whole: its job's error", async () => {
    handler = (call) =>
      call.url === '/api/jobs/j1'
        ? json(
            200,
            job('j1', {
              kind: 'erase.execute',
              state: 'failed',
              errorCode: 'APPROVAL_EXPIRED',
              errorMessage: 'Erase r1 refused: it was due a day ago',
            }),
          )
        : json(200, detailOf('r1', { state: 'failed' }));
    const store = useEraseStore();
    await store.open('r1');
    expect(store.detailRefusal).toEqual({
      code: 'APPROVAL_EXPIRED',
      message: 'Erase r1 refused: it was due a day ago',
    });
    store.close();
    expect(store.detailRefusal).toBeNull();
    handler = () => json(200, detailOf('r2'));
    await store.open('r2');
    expect(calls.at(-1)?.url).toBe('/api/erase/requests/r2');
    expect(store.detailRefusal).toBeNull();
  });

  it('creates and cancels requests, keeping the answers in the list', async () => {
    handler = (call) =>
      call.method === 'POST' && call.url === '/api/erase/requests'
        ? json(201, eraseRequest('r1'))
        : json(200, eraseRequest('r1', { state: 'cancelled' }));
    const store = useEraseStore();
    const body = {
      method: 'tape-shred' as const,
      targets: { kind: 'cartridges' as const, barcodes: ['A00001L9'] },
      schedule: { kind: 'now' as const },
      reason: 'end of life',
    };
    expect((await store.create(body)).state).toBe('pending-approval');
    expect(calls[0]?.body).toEqual(body);
    expect(store.requests.map((r) => r.state)).toEqual(['pending-approval']);
    await store.cancel('r1');
    expect(calls.at(-1)).toMatchObject({ method: 'POST', url: '/api/erase/requests/r1/cancel' });
    expect(store.requests.map((r) => r.state)).toEqual(['cancelled']);
  });

  it('throws the server refusal of a request and keeps a list error for the page', async () => {
    handler = (call) =>
      call.method === 'POST'
        ? apiError(400, 'VALIDATION_FAILED', '1 target(s) cannot be erased: not an enrolled cartridge')
        : apiError(503, 'SERVICE_UNAVAILABLE', 'The database is not reachable');
    const store = useEraseStore();
    await expect(
      store.create({
        method: 'tape-shred',
        targets: { kind: 'cartridges', barcodes: ['A00500L9'] },
        schedule: { kind: 'now' },
        reason: 'typo',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await store.hydrate();
    expect(store.error).toBe('The database is not reachable');
  });

  it('reads again at most once a second however many live events arrive', async () => {
    vi.useFakeTimers();
    handler = () => json(200, { requests: [eraseRequest('r1', { state: 'running', jobId: 'j1' })] });
    const store = useEraseStore();
    for (let i = 0; i < 5; i++) store.refreshSoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(lists()).toBe(1);
    for (let i = 0; i < 5; i++) {
      store.applyProgress({ id: 'j1', kind: 'erase.execute', done: i, total: 5, state: 'running' });
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(lists()).toBe(1);
    await vi.advanceTimersByTimeAsync(ERASE_REFRESH_INTERVAL_MS);
    expect(lists()).toBe(2);
    expect(store.progress.get('j1')).toMatchObject({ done: 4, total: 5 });
  });

  it('ignores the progress of other jobs', async () => {
    vi.useFakeTimers();
    handler = () => json(200, { requests: [] });
    const store = useEraseStore();
    store.applyProgress({ id: 'j9', kind: 'tape.enroll', done: 1, total: 2, state: 'running' });
    await vi.advanceTimersByTimeAsync(2 * ERASE_REFRESH_INTERVAL_MS);
    expect(calls).toEqual([]);
    expect(store.progress.size).toBe(0);
  });

  it('forgets everything on dehydrate, including a refresh still due', async () => {
    vi.useFakeTimers();
    handler = () => json(200, { requests: [eraseRequest('r1')] });
    const store = useEraseStore();
    await store.hydrate();
    store.refreshSoon();
    store.dehydrate();
    await vi.advanceTimersByTimeAsync(2 * ERASE_REFRESH_INTERVAL_MS);
    expect(lists()).toBe(1);
    expect([store.requests.length, store.loaded]).toEqual([0, false]);
  });

  it('sends a PSID once, shows the erased item, and keeps the PSID nowhere', async () => {
    vi.useFakeTimers();
    const PSID = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ01-2345';
    const psidDetail = {
      ...detailOf('r1', { method: 'sed-psid-revert', state: 'scheduled', jobId: null }),
      items: [
        { ...detailOf('r1').items[0]!, identity: 'S1', state: 'pending', result: null, certificateId: null },
      ],
    };
    const erased = {
      ...psidDetail.items[0]!,
      state: 'erased',
      result: 'verified: factory state',
      certificateId: 'c9',
    };
    let wrong = true;
    handler = (call) => {
      if (call.url.endsWith('/psid-revert'))
        return wrong
          ? apiError(502, 'SED_AUTH_FAILED', 'S1 did not accept the PSID; nothing was erased')
          : json(200, erased);
      return call.url === '/api/erase/requests'
        ? json(200, { requests: [psidDetail] })
        : json(200, psidDetail);
    };
    const store = useEraseStore();
    await store.open('r1');
    await expect(store.psidRevert('r1', 'i1', PSID)).rejects.toMatchObject({
      code: 'SED_AUTH_FAILED',
      message: 'S1 did not accept the PSID; nothing was erased',
    });
    expect(store.detail?.items[0]?.state).toBe('pending');
    wrong = false;
    await expect(store.psidRevert('r1', 'i1', PSID)).resolves.toMatchObject({ certificateId: 'c9' });
    const sent = calls.filter((c) => c.url.endsWith('/psid-revert'));
    expect(sent.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/api/erase/requests/r1/items/i1/psid-revert', { psid: PSID }],
      ['POST', '/api/erase/requests/r1/items/i1/psid-revert', { psid: PSID }],
    ]);
    expect(store.detail?.items[0]).toMatchObject({ state: 'erased', certificateId: 'c9' });
    // Both answers make the page read the request again (its state moves with the item).
    await vi.advanceTimersByTimeAsync(ERASE_REFRESH_INTERVAL_MS);
    expect(lists()).toBeGreaterThanOrEqual(1);
    const state = JSON.stringify({ requests: store.requests, detail: store.detail, error: store.error });
    expect(state).not.toContain(PSID);
    expect(state).not.toContain(PSID.replace(/-/g, ''));
  });
});
