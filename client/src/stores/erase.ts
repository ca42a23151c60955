import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { z } from 'zod';
import type { CreateEraseRequestSchema, EraseItem, EraseRequest } from '../../../shared/schemas/erase.ts';
import type { JobProgressEvent } from '../../../shared/socket/events.ts';
import { api, errorMessage, type CallResult } from '../api/http.ts';
import { ERASE_JOB } from '../components/erase/labels.ts';
import { coalesced } from './coalesced.ts';

/** Live events read the requests again at most this often (a job reports after every item). */
export const ERASE_REFRESH_INTERVAL_MS = 1_000;

export type EraseRequestDetail = CallResult<'erase.get'>;
/** Why a request's job stopped before its items (a stale or mismatched approval): the job's error. */
export interface EraseRefusal {
  code: string | null;
  message: string;
}
/** What `erase.create` takes (defaults such as a window's time zone may be left out). */
export type EraseRequestBody = z.input<typeof CreateEraseRequestSchema>;

function byCreated(a: EraseRequest, b: EraseRequest): number {
  return b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);
}

/**
 * Retirement (crypto-erase) requests: the list for the Erase page, the one open in its detail
 * panel (items, results, certificates), and the live progress of their jobs. Live: the page
 * feeds `approval:updated`, `erase:updated` (a PSID revert) and `job:progress` to
 * `refreshSoon`/`applyProgress`, which read the list (and the open request) again at most
 * once a second.
 */
export const useEraseStore = defineStore('erase', () => {
  const requests = shallowRef<readonly EraseRequest[]>([]);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);
  const selectedId = shallowRef<string | null>(null);
  const detail = shallowRef<EraseRequestDetail | null>(null);
  const detailError = shallowRef<string | null>(null);
  const detailRefusal = shallowRef<EraseRefusal | null>(null);
  /** The newest progress of each erase job, by job id. */
  const progress = shallowRef<ReadonlyMap<string, JobProgressEvent>>(new Map());

  const byId = computed(() => new Map(requests.value.map((r) => [r.id, r])));

  function track(request: EraseRequest): void {
    requests.value = [...requests.value.filter((r) => r.id !== request.id), request].sort(byCreated);
  }

  const fetchList = coalesced(async () => {
    loading.value = true;
    try {
      requests.value = (await api.call('erase.list')).requests.slice().sort(byCreated);
      loaded.value = true;
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  });

  const fetchDetail = coalesced(async () => {
    const id = selectedId.value;
    if (id === null) return;
    try {
      const fresh = await api.call('erase.get', { params: { id } });
      // A failed request whose job failed was refused as a whole: the job says why.
      const job =
        fresh.state === 'failed' && fresh.jobId
          ? await api.call('jobs.get', { params: { id: fresh.jobId } })
          : null;
      if (selectedId.value !== id) return;
      detail.value = fresh;
      detailRefusal.value = job?.errorMessage ? { code: job.errorCode, message: job.errorMessage } : null;
      detailError.value = null;
    } catch (err) {
      if (selectedId.value === id) detailError.value = errorMessage(err);
    }
  });

  /** Reads the list and the open request. */
  async function hydrate(): Promise<void> {
    await Promise.all([fetchList(), fetchDetail()]);
  }

  let lastRefresh = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Reads everything again, at most once per ERASE_REFRESH_INTERVAL_MS however often it is called. */
  function refreshSoon(): void {
    if (timer !== undefined) return;
    const wait = Math.max(0, lastRefresh + ERASE_REFRESH_INTERVAL_MS - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      lastRefresh = Date.now();
      void hydrate();
    }, wait);
  }

  /** A live `job:progress`: kept when it is an erase job's, and the requests read again soon. */
  function applyProgress(event: JobProgressEvent): void {
    const known = requests.value.some((r) => r.jobId === event.id);
    if (event.kind !== ERASE_JOB && !known) return;
    const next = new Map(progress.value);
    next.set(event.id, event);
    progress.value = next;
    refreshSoon();
  }

  /** Opens a request in the detail panel and reads it (with its items). */
  async function open(id: string): Promise<void> {
    if (selectedId.value !== id) {
      selectedId.value = id;
      detail.value = null;
      detailRefusal.value = null;
      detailError.value = null;
    }
    await fetchDetail();
  }

  function close(): void {
    selectedId.value = null;
    detail.value = null;
    detailRefusal.value = null;
    detailError.value = null;
  }

  /** Asks for an erase; it waits for a second person's approval. Refusals are thrown. */
  async function create(body: EraseRequestBody): Promise<EraseRequest> {
    const created = await api.call('erase.create', { body });
    track(created);
    return created;
  }

  /** Calls a request off before it completes. Refusals are thrown. */
  async function cancel(id: string): Promise<EraseRequest> {
    const cancelled = await api.call('erase.cancel', { params: { id } });
    track(cancelled);
    if (selectedId.value === id) void fetchDetail();
    return cancelled;
  }

  /**
   * PSID revert of one item of a due request: the PSID goes to the console in this one call and
   * is kept nowhere (not in this store, the URL or a log). Resolves with the item as it ended
   * (erased with its certificate); a refusal (SED_AUTH_FAILED for a PSID the drive did not
   * accept: nothing erased) is thrown. Either way the request is read again.
   */
  async function psidRevert(requestId: string, itemId: string, psid: string): Promise<EraseItem> {
    try {
      const item = await api.call('erase.psidRevert', { params: { id: requestId, itemId }, body: { psid } });
      const open = detail.value;
      if (open?.id === requestId)
        detail.value = { ...open, items: open.items.map((i) => (i.id === item.id ? item : i)) };
      return item;
    } finally {
      refreshSoon();
    }
  }

  function dehydrate(): void {
    clearTimeout(timer);
    timer = undefined;
    lastRefresh = Number.NEGATIVE_INFINITY;
    requests.value = [];
    loaded.value = false;
    error.value = null;
    close();
    progress.value = new Map();
  }

  return {
    requests,
    byId,
    loading,
    loaded,
    error,
    selectedId,
    detail,
    detailError,
    detailRefusal,
    progress,
    hydrate,
    refreshSoon,
    applyProgress,
    open,
    close,
    create,
    cancel,
    psidRevert,
    track,
    dehydrate,
  };
});
