import { defineStore } from 'pinia';
import { markRaw, shallowReactive, shallowRef } from 'vue';
import { z } from 'zod';
import type { Job } from '../../../shared/schemas/jobs.ts';
import { SedDriveSchema, type SedDrive, type SedDiscoveryResultSchema } from '../../../shared/schemas/sed.ts';
import { api, errorMessage, isApiError } from '../api/http.ts';
import type { DriveAction, SedDriveState } from '../components/drives/labels.ts';
import { useJobsStore } from './jobs.ts';

export const DRIVE_PAGE_SIZES = [50, 100, 250, 500] as const;
export const DRIVE_PAGE_SIZE = 100;
/** Drives remembered for names (unlock-all results, selections) beyond the page shown. */
export const DRIVE_CACHE_MAX = 5_000;
/** How long a burst of changes outside the page waits before the page is read again. */
export const DRIVE_REFRESH_DELAY_MS = 1_000;
/** Requests in flight at once when acting on a selection. */
export const DRIVE_BULK_CONCURRENCY = 4;

export const UNLOCK_ALL_JOB = 'sed.unlock-all';

/** The server's filters; empty means "any". Host and model match exactly, search is a substring. */
export interface DriveFilters {
  host: string;
  state: SedDriveState | '';
  model: string;
  enrolled: '' | 'true' | 'false';
  search: string;
}

export const NO_DRIVE_FILTERS: DriveFilters = { host: '', state: '', model: '', enrolled: '', search: '' };

export type DiscoveryResult = z.infer<typeof SedDiscoveryResultSchema>;

/** What one action on one drive came to: the server's code and message when it refused. */
export type DriveOutcome =
  | { drive: SedDrive; ok: true; job: Job | null }
  | { drive: SedDrive; ok: false; code: string; message: string; requestId: string | undefined };

/** `device:updated` for a SED: `{ id: 'sed:<driveId>', kind: 'sed', drive }`. Inbound: validated. */
const SedUpdateSchema = z.object({ id: z.string(), kind: z.literal('sed'), drive: SedDriveSchema });

/** The drive in a `device:updated` payload, or null for other devices and malformed payloads. */
export function parseSedUpdate(payload: unknown): SedDrive | null {
  const parsed = SedUpdateSchema.safeParse(payload);
  return parsed.success && parsed.data.id === `sed:${parsed.data.drive.id}` ? parsed.data.drive : null;
}

/** The same test the server applies to a list query (search ignores case, as SQLite does). */
export function matchesDriveFilters(drive: SedDrive, f: DriveFilters): boolean {
  const needle = f.search.toLowerCase();
  return (
    (!f.host || drive.host === f.host) &&
    (!f.state || drive.state === f.state) &&
    (!f.model || drive.model === f.model) &&
    (!f.enrolled || drive.hasCredentials === (f.enrolled === 'true')) &&
    (!needle || [drive.serial, drive.model, drive.devicePath].some((v) => v.toLowerCase().includes(needle)))
  );
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const MODES = { lock: 'LK', unlock: 'RW', 'read-only': 'RO' } as const;

/**
 * Self-encrypting drives, one server-side page at a time (the fleet may hold thousands), with
 * the filters the API offers. Live: pages join `fleet` and feed every `device:updated` to
 * `applyUpdate`; a drive on the page is replaced in place, a change elsewhere that matches the
 * filters re-reads the page once the burst is over. Actions go to the API and their answers
 * (updated drives, jobs) are merged here and in the jobs store.
 */
export const useDrivesStore = defineStore('drives', () => {
  const drives = shallowRef<readonly SedDrive[]>([]);
  const total = shallowRef(0);
  const filters = shallowRef<DriveFilters>(NO_DRIVE_FILTERS);
  const limit = shallowRef<number>(DRIVE_PAGE_SIZE);
  const offset = shallowRef(0);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);
  const lastDiscovery = shallowRef<DiscoveryResult | null>(null);
  /** The newest unlock-all started from this console session (its progress is in the jobs store). */
  const unlockAllJobId = shallowRef<string | null>(null);
  /** Drives seen lately by id, for names outside the page. Values are replaced, never mutated. */
  const known = shallowReactive(new Map<string, SedDrive>());

  let generation = 0;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  function remember(drive: SedDrive): void {
    known.delete(drive.id);
    known.set(drive.id, markRaw(drive));
    if (known.size > DRIVE_CACHE_MAX) {
      const oldest = known.keys().next();
      if (!oldest.done) known.delete(oldest.value);
    }
  }

  function query() {
    const f = filters.value;
    return {
      limit: limit.value,
      offset: offset.value,
      ...(f.host && { host: f.host }),
      ...(f.state && { state: f.state }),
      ...(f.model && { model: f.model }),
      ...(f.enrolled && { enrolled: f.enrolled === 'true' }),
      ...(f.search && { search: f.search }),
    };
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      do {
        again = false;
        const asked = generation;
        const page = await api.call('sed.list', { query: query() });
        if (asked !== generation) {
          again = true;
          continue;
        }
        for (const drive of page.drives) remember(drive);
        drives.value = page.drives;
        total.value = page.total;
        // A page past the end (drives went away): go back to the last one.
        if (!page.drives.length && page.total > 0 && offset.value > 0) {
          offset.value = Math.floor((page.total - 1) / limit.value) * limit.value;
          again = true;
        }
      } while (again);
      loaded.value = true;
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  /** Reads the current page; a call while one is running makes that one read once more. */
  function hydrate(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = load().finally(() => (inFlight = null));
    return inFlight;
  }

  function restart(): Promise<void> {
    generation += 1;
    return hydrate();
  }

  /** Shows the first page of drives matching `next` (fields trimmed). */
  function setFilters(next: DriveFilters): Promise<void> {
    filters.value = {
      host: next.host.trim(),
      state: next.state,
      model: next.model.trim(),
      enrolled: next.enrolled,
      search: next.search.trim(),
    };
    offset.value = 0;
    return restart();
  }

  function setPage(nextOffset: number, nextLimit: number = limit.value): Promise<void> {
    limit.value = nextLimit;
    offset.value = Math.max(0, Math.floor(nextOffset / nextLimit) * nextLimit);
    return restart();
  }

  function scheduleRefresh(): void {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = undefined;
      void hydrate();
    }, DRIVE_REFRESH_DELAY_MS);
  }

  /** Puts a drive the server returned (or pushed) in place on the page, if it is there. */
  function upsert(drive: SedDrive): boolean {
    remember(drive);
    const i = drives.value.findIndex((d) => d.id === drive.id);
    if (i < 0) return false;
    const next = drives.value.slice();
    next[i] = drive;
    drives.value = next;
    return true;
  }

  /** A live `device:updated` (any device kind; only SEDs are taken). Returns the drive, if one. */
  function applyUpdate(payload: unknown): SedDrive | null {
    const drive = parseSedUpdate(payload);
    if (!drive) return null;
    if (!upsert(drive) && loaded.value && matchesDriveFilters(drive, filters.value)) scheduleRefresh();
    return drive;
  }

  async function discover(): Promise<DiscoveryResult> {
    const result = await api.call('sed.discover');
    lastDiscovery.value = result;
    await hydrate();
    return result;
  }

  /** One action on one drive: a drive answer is merged, a job answer handed to the jobs store. */
  async function act(action: DriveAction, drive: SedDrive): Promise<Job | null> {
    const params = { id: drive.id };
    if (action === 'enroll' || action === 'rotate') {
      const job = await api.call(action === 'enroll' ? 'sed.enroll' : 'sed.rotate', { params });
      useJobsStore().track(job);
      return job;
    }
    upsert(await api.call('sed.lock', { params, body: { range: 0, mode: MODES[action] } }));
    return null;
  }

  /** One action on several drives; never rejects: each drive's outcome says how it went. */
  function actOnEach(action: DriveAction, targets: readonly SedDrive[]): Promise<DriveOutcome[]> {
    return mapBounded(targets, DRIVE_BULK_CONCURRENCY, async (drive): Promise<DriveOutcome> => {
      try {
        return { drive, ok: true, job: await act(action, drive) };
      } catch (err) {
        return {
          drive,
          ok: false,
          code: isApiError(err) ? err.code : 'ERROR',
          message: errorMessage(err),
          requestId: isApiError(err) ? err.requestId : undefined,
        };
      }
    });
  }

  /** Unlocks every enrolled drive of `host` (or the fleet) as a job with per-drive results. */
  async function unlockAll(host?: string): Promise<Job> {
    const job = await api.call('sed.unlockAll', { body: host ? { host } : {} });
    useJobsStore().track(job);
    unlockAllJobId.value = job.id;
    return job;
  }

  /** Looks up drives not seen yet (for names in results), at most `max` of them. */
  async function resolve(ids: readonly string[], max = 50): Promise<void> {
    const missing = ids.filter((id) => !known.has(id)).slice(0, max);
    await mapBounded(missing, DRIVE_BULK_CONCURRENCY, async (id) => {
      try {
        remember(await api.call('sed.get', { params: { id } }));
      } catch {
        // Shown by id; the drive may be gone.
      }
    });
  }

  function dehydrate(): void {
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
    generation += 1;
    drives.value = [];
    total.value = 0;
    filters.value = NO_DRIVE_FILTERS;
    offset.value = 0;
    loaded.value = false;
    error.value = null;
    lastDiscovery.value = null;
    unlockAllJobId.value = null;
    known.clear();
  }

  return {
    drives,
    total,
    filters,
    limit,
    offset,
    loading,
    loaded,
    error,
    lastDiscovery,
    unlockAllJobId,
    known,
    hydrate,
    setFilters,
    setPage,
    upsert,
    applyUpdate,
    discover,
    act,
    actOnEach,
    unlockAll,
    resolve,
    dehydrate,
  };
});

/** One drive's outcome in an unlock-all job: `ok`, or the error code that stopped it. */
export interface UnlockResult {
  driveId: string;
  result: string;
}

const UnlockCursorSchema = z.object({ results: z.record(z.string(), z.string()) });

/** The per-drive results an unlock-all job keeps in its cursor, refusals first. */
export function unlockResults(job: Pick<Job, 'cursor'>): UnlockResult[] {
  const parsed = UnlockCursorSchema.safeParse(job.cursor);
  if (!parsed.success) return [];
  return Object.entries(parsed.data.results)
    .map(([driveId, result]) => ({ driveId, result }))
    .sort(
      (a, b) => Number(a.result === 'ok') - Number(b.result === 'ok') || a.driveId.localeCompare(b.driveId),
    );
}
