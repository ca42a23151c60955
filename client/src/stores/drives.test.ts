// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionApplies } from '../components/drives/labels.ts';
import { apiError, deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { job, sedDrive } from '../testing/fixtures.ts';
import {
  DRIVE_BULK_CONCURRENCY,
  DRIVE_REFRESH_DELAY_MS,
  matchesDriveFilters,
  NO_DRIVE_FILTERS,
  parseSedUpdate,
  unlockResults,
  useDrivesStore,
} from './drives.ts';
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

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const page = (...drives: ReturnType<typeof sedDrive>[]) => json(200, { drives, total: drives.length });
const update = (drive: ReturnType<typeof sedDrive>) => ({ id: `sed:${drive.id}`, kind: 'sed', drive });
const serials = () => useDrivesStore().drives.map((d) => d.serial);

describe('drives store: paging and filters', () => {
  it('asks the server for one page with the filters set', async () => {
    handler = () => json(200, { drives: [sedDrive('a')], total: 1234 });
    const drives = useDrivesStore();
    await drives.setFilters({
      host: ' lab-host-1 ',
      state: 'enrolled',
      model: '',
      enrolled: 'true',
      search: 'S6',
    });
    expect(calls[0]?.url).toBe(
      '/api/sed-drives?limit=100&offset=0&host=lab-host-1&state=enrolled&enrolled=true&search=S6',
    );
    expect(drives.total).toBe(1234);
    expect(drives.filters.host).toBe('lab-host-1');
    await drives.setPage(250, 50);
    expect(calls[1]?.url).toBe(
      '/api/sed-drives?limit=50&offset=250&host=lab-host-1&state=enrolled&enrolled=true&search=S6',
    );
  });

  it('drops a page answered for filters that have since changed', async () => {
    const slow = deferred<Response>();
    handler = (call) => (call.url.includes('host=old') ? slow.promise : page(sedDrive('new')));
    const drives = useDrivesStore();
    const first = drives.setFilters({ ...NO_DRIVE_FILTERS, host: 'old' });
    const second = drives.setFilters({ ...NO_DRIVE_FILTERS, host: 'new' });
    slow.resolve(page(sedDrive('old')));
    await Promise.all([first, second]);
    expect(serials()).toEqual(['S6PUNEW']);
    expect(drives.filters.host).toBe('new');
  });

  it('goes back to the last page when the one shown has emptied', async () => {
    handler = (call) =>
      call.url.includes('offset=200') ? json(200, { drives: [], total: 120 }) : page(sedDrive('z'));
    const drives = useDrivesStore();
    await drives.setPage(200, 100);
    expect(drives.offset).toBe(100);
    expect(calls.map((c) => c.url)).toEqual([
      '/api/sed-drives?limit=100&offset=200',
      '/api/sed-drives?limit=100&offset=100',
    ]);
  });

  it('shows why the page could not be read', async () => {
    handler = () => apiError(503, 'SERVICE_UNAVAILABLE', 'No SED driver is configured (drivers.sed.kind)');
    const drives = useDrivesStore();
    await drives.hydrate();
    expect(drives.error).toBe('No SED driver is configured (drivers.sed.kind)');
    expect(drives.loaded).toBe(false);
  });
});

describe('drives store: live updates', () => {
  it('replaces a drive on the page in place from device:updated', async () => {
    handler = () => page(sedDrive('a'), sedDrive('b'));
    const drives = useDrivesStore();
    await drives.hydrate();
    drives.applyUpdate(update(sedDrive('b', { state: 'enrolled', locked: true })));
    expect(drives.drives.map((d) => [d.id, d.state, d.locked])).toEqual([
      ['a', 'discovered', false],
      ['b', 'enrolled', true],
    ]);
    expect(calls).toHaveLength(1);
  });

  it('ignores other devices and payloads that do not hold a valid drive', async () => {
    handler = () => page(sedDrive('a'));
    const drives = useDrivesStore();
    await drives.hydrate();
    expect(drives.applyUpdate({ id: 'hsm:softhsm', kind: 'hsm', reachable: true })).toBeNull();
    expect(drives.applyUpdate({ id: 'sed:a', kind: 'sed', drive: { id: 'a', serial: 1 } })).toBeNull();
    expect(drives.applyUpdate(update({ ...sedDrive('a'), id: 'b' }))).not.toBeNull();
    expect(parseSedUpdate({ id: 'sed:x', kind: 'sed', drive: sedDrive('a') })).toBeNull();
    expect(drives.drives[0]?.state).toBe('discovered');
  });

  it('re-reads the page once after a burst of changes elsewhere that match the filters', async () => {
    vi.useFakeTimers();
    handler = () => page(sedDrive('a'));
    const drives = useDrivesStore();
    await drives.setFilters({ ...NO_DRIVE_FILTERS, host: 'lab-host-1' });
    for (const id of ['n1', 'n2', 'n3']) drives.applyUpdate(update(sedDrive(id)));
    drives.applyUpdate(update(sedDrive('other', { host: 'lab-host-2' })));
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(DRIVE_REFRESH_DELAY_MS);
    expect(calls).toHaveLength(2);
    drives.applyUpdate(update(sedDrive('other', { host: 'lab-host-2' })));
    await vi.advanceTimersByTimeAsync(DRIVE_REFRESH_DELAY_MS * 2);
    expect(calls).toHaveLength(2);
  });

  it('matches filters as the server does', () => {
    const d = sedDrive('a', { devicePath: '/dev/nvme0', hasCredentials: true, state: 'enrolled' });
    expect(matchesDriveFilters(d, { ...NO_DRIVE_FILTERS, search: 'NVME0' })).toBe(true);
    expect(matchesDriveFilters(d, { ...NO_DRIVE_FILTERS, enrolled: 'false' })).toBe(false);
    expect(matchesDriveFilters(d, { ...NO_DRIVE_FILTERS, model: 'Samsung SSD' })).toBe(false);
    expect(matchesDriveFilters(d, { ...NO_DRIVE_FILTERS, state: 'enrolled', enrolled: 'true' })).toBe(true);
  });
});

describe('drives store: actions', () => {
  it('locks, unlocks and sets read-only on the global range, and shows the drive it gets back', async () => {
    handler = (call) =>
      call.method === 'GET'
        ? page(sedDrive('a', { state: 'enrolled' }))
        : json(
            200,
            sedDrive('a', { state: 'enrolled', locked: (call.body as { mode: string }).mode === 'LK' }),
          );
    const drives = useDrivesStore();
    await drives.hydrate();
    const a = drives.drives[0]!;
    await drives.act('lock', a);
    expect(drives.drives[0]?.locked).toBe(true);
    await drives.act('unlock', a);
    await drives.act('read-only', a);
    expect(calls.slice(1).map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/api/sed-drives/a/lock-state', { range: 0, mode: 'LK' }],
      ['POST', '/api/sed-drives/a/lock-state', { range: 0, mode: 'RW' }],
      ['POST', '/api/sed-drives/a/lock-state', { range: 0, mode: 'RO' }],
    ]);
    expect(drives.drives[0]?.locked).toBe(false);
  });

  it('hands enrollment and rotation jobs to the jobs store', async () => {
    handler = (call) =>
      json(
        202,
        job(call.url.endsWith('/enrollment') ? 'j-enroll' : 'j-rotate', {
          kind: 'x',
          params: { driveId: 'a' },
        }),
      );
    const drives = useDrivesStore();
    await drives.act('enroll', sedDrive('a'));
    await drives.act('rotate', sedDrive('a', { state: 'enrolled' }));
    expect(calls.map((c) => c.url)).toEqual(['/api/sed-drives/a/enrollment', '/api/sed-drives/a/rotation']);
    expect(
      useJobsStore()
        .jobs.map((j) => j.id)
        .sort(),
    ).toEqual(['j-enroll', 'j-rotate']);
  });

  it('acts on a selection a few drives at a time and reports each refusal with its code', async () => {
    let inFlight = 0;
    let most = 0;
    handler = async (call) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await settle();
      inFlight -= 1;
      const id = call.url.split('/')[3]!;
      if (id === 'd3') return apiError(409, 'SED_AUTH_FAILED', 'The drive refused the escrowed credential');
      if (id === 'd5') return apiError(409, 'SED_IDENTITY_MISMATCH', '/dev/sdb now holds drive X, not Y');
      return json(200, sedDrive(id, { state: 'enrolled', locked: true }));
    };
    const targets = Array.from({ length: 10 }, (_, i) => sedDrive(`d${i}`, { state: 'enrolled' }));
    const outcomes = await useDrivesStore().actOnEach('lock', targets);
    expect(most).toBeLessThanOrEqual(DRIVE_BULK_CONCURRENCY);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual([
      'ok',
      'ok',
      'ok',
      'SED_AUTH_FAILED',
      'ok',
      'SED_IDENTITY_MISMATCH',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
    expect(outcomes[3]).toMatchObject({ message: 'The drive refused the escrowed credential' });
  });

  it('discovers, then reads the page again', async () => {
    handler = (call) =>
      call.method === 'POST' ? json(200, { seen: 7, added: 7, changed: 0, missing: 0 }) : page(sedDrive('a'));
    const drives = useDrivesStore();
    const result = await drives.discover();
    expect(result.added).toBe(7);
    expect(drives.lastDiscovery?.seen).toBe(7);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST /api/sed-drives/discovery',
      'GET /api/sed-drives?limit=100&offset=0',
    ]);
  });

  it('starts unlock-all for a host or the fleet', async () => {
    handler = () => json(202, job('u1', { kind: 'sed.unlock-all', params: {} }));
    const drives = useDrivesStore();
    await drives.unlockAll('lab-host-1');
    await drives.unlockAll();
    expect(calls.map((c) => c.body)).toEqual([{ host: 'lab-host-1' }, {}]);
    expect(drives.unlockAllJobId).toBe('u1');
    expect(useJobsStore().latest('sed.unlock-all', {})?.id).toBe('u1');
  });

  it('reads unlock-all results from the job cursor, refusals first', () => {
    const finished = job('u1', { cursor: { results: { b: 'ok', c: 'SED_LOCKED_OUT', a: 'ok' } } });
    expect(unlockResults(finished)).toEqual([
      { driveId: 'c', result: 'SED_LOCKED_OUT' },
      { driveId: 'a', result: 'ok' },
      { driveId: 'b', result: 'ok' },
    ]);
    expect(unlockResults(job('u2', { cursor: null }))).toEqual([]);
    expect(unlockResults(job('u3', { cursor: { results: { a: 3 } } }))).toEqual([]);
  });

  it('looks up only drives it has not seen, for names in results', async () => {
    handler = (call) =>
      call.url.startsWith('/api/sed-drives?')
        ? page(sedDrive('known'))
        : call.url.endsWith('/gone')
          ? apiError(404, 'DEVICE_NOT_FOUND', 'No such drive')
          : json(200, sedDrive('far'));
    const drives = useDrivesStore();
    await drives.hydrate();
    await drives.resolve(['known', 'far', 'gone']);
    expect(calls.slice(1).map((c) => c.url)).toEqual(['/api/sed-drives/far', '/api/sed-drives/gone']);
    expect(drives.known.get('far')?.serial).toBe('S6PUFAR');
    expect(drives.known.has('gone')).toBe(false);
  });

  it('offers each action only in the states it applies to', () => {
    expect(actionApplies('enroll', sedDrive('a', { state: 'enroll-failed' }))).toBe(true);
    expect(actionApplies('enroll', sedDrive('a', { state: 'unsupported' }))).toBe(false);
    expect(actionApplies('lock', sedDrive('a', { state: 'discovered' }))).toBe(false);
    expect(actionApplies('unlock', sedDrive('a', { state: 'rotating' }))).toBe(true);
    expect(actionApplies('rotate', sedDrive('a', { state: 'rotating' }))).toBe(false);
    expect(actionApplies('rotate', sedDrive('a', { state: 'enrolled' }))).toBe(true);
  });
});
