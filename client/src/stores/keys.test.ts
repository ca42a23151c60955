// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { approval, domain, job } from '../testing/fixtures.ts';
import { useApprovalsStore } from './approvals.ts';
import { useJobsStore } from './jobs.ts';
import { useKeysStore } from './keys.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

const ids = () => useKeysStore().domains.map((d) => d.id);

describe('keys store', () => {
  it('lists domains oldest first, so the built-in ones lead', async () => {
    handler = () =>
      json(200, {
        domains: [
          domain('library-2', { createdAt: '2026-03-01T00:00:00.000Z' }),
          domain('sed-fleet', { createdAt: '2026-01-01T00:00:00.000Z' }),
        ],
      });
    const keys = useKeysStore();
    await keys.hydrate();
    expect(ids()).toEqual(['sed-fleet', 'library-2']);
    expect(keys.loaded).toBe(true);
  });

  it('shows why the list could not be loaded', async () => {
    handler = () => apiError(503, 'SERVICE_UNAVAILABLE', 'The database is not answering');
    const keys = useKeysStore();
    await keys.hydrate();
    expect(keys.error).toBe('The database is not answering');
    expect(keys.loaded).toBe(false);
  });

  it('coalesces a burst of domain:updated into one request in flight plus one more', async () => {
    const first = deferred<Response>();
    let version = 1;
    handler = (call) => {
      if (call.url === '/api/key-domains') return json(200, { domains: [domain('sed-fleet')] });
      version += 1;
      return version === 2
        ? first.promise
        : json(200, domain('sed-fleet', { activeKekVersion: version, updatedAt: 'later' }));
    };
    const keys = useKeysStore();
    await keys.hydrate();
    const done = [
      keys.refreshDomain('sed-fleet'),
      keys.refreshDomain('sed-fleet'),
      keys.refreshDomain('sed-fleet'),
    ];
    first.resolve(json(200, domain('sed-fleet', { activeKekVersion: 2 })));
    await Promise.all(done);
    const gets = calls.filter((c) => c.url === '/api/key-domains/sed-fleet');
    expect(gets).toHaveLength(2);
    expect(keys.domains[0]?.activeKekVersion).toBe(3);
  });

  it('adds a domain it did not know and drops one the server no longer has', async () => {
    handler = (call) =>
      call.url.endsWith('/new-one')
        ? json(200, domain('new-one', { createdAt: '2026-05-01T00:00:00.000Z' }))
        : call.url.endsWith('/gone')
          ? apiError(404, 'KEY_DOMAIN_NOT_FOUND', 'No key domain gone')
          : json(200, { domains: [domain('sed-fleet'), domain('gone')] });
    const keys = useKeysStore();
    await keys.hydrate();
    await keys.refreshDomain('new-one');
    await keys.refreshDomain('gone');
    expect(ids()).toEqual(['sed-fleet', 'new-one']);
    expect(keys.error).toBeNull();
  });

  it('creates a domain and changes its schedule', async () => {
    handler = (call) =>
      call.method === 'POST'
        ? json(201, domain('library-2', { rotationPeriodDays: 90 }))
        : json(200, domain('library-2', { rotationPeriodDays: null }));
    const keys = useKeysStore();
    await keys.create({ id: 'library-2', purpose: 'tape', description: 'Library 2', rotationPeriodDays: 90 });
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/key-domains',
      body: { id: 'library-2', purpose: 'tape', description: 'Library 2', rotationPeriodDays: 90 },
    });
    await keys.setRotationPeriod('library-2', null);
    expect(calls[1]).toMatchObject({
      method: 'PATCH',
      url: '/api/key-domains/library-2',
      body: { rotationPeriodDays: null },
    });
    expect(keys.domains[0]?.rotationPeriodDays).toBeNull();
  });

  it('hands a started rotation to the jobs store', async () => {
    handler = () => json(202, job('j1', { params: { domainId: 'sed-fleet' } }));
    const queued = await useKeysStore().rotate('sed-fleet');
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/key-domains/sed-fleet/rotations' });
    expect(queued.id).toBe('j1');
    expect(useJobsStore().latest('kek.rotate', { domainId: 'sed-fleet' })?.id).toBe('j1');
  });

  it('asks for destruction of a KEK version with a reason, and shows the pending approval', async () => {
    handler = () => json(202, approval('a1', { target: 'kek:sed-fleet:v1' }));
    await useKeysStore().requestKekDestruction('sed-fleet', 1, 'retired after rotation');
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/key-domains/sed-fleet/keks/1/destruction',
      body: { reason: 'retired after rotation' },
    });
    expect(useApprovalsStore().pending.map((a) => a.target)).toEqual(['kek:sed-fleet:v1']);
  });

  it('passes the server’s refusal on to the caller', async () => {
    handler = () => apiError(409, 'KEK_IN_USE', 'KEK v1 is active; only a deactivated KEK can be destroyed');
    await expect(useKeysStore().requestKekDestruction('sed-fleet', 1, 'why not')).rejects.toMatchObject({
      code: 'KEK_IN_USE',
      message: 'KEK v1 is active; only a deactivated KEK can be destroyed',
    });
  });
});
