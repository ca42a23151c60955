import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { Approval } from '../../../shared/schemas/approvals.ts';
import type { Job } from '../../../shared/schemas/jobs.ts';
import type { KeyDomain } from '../../../shared/schemas/keys.ts';
import { api, errorMessage, isApiError } from '../api/http.ts';
import { useApprovalsStore } from './approvals.ts';
import { useJobsStore } from './jobs.ts';

/** What the create form sends (the server fills in defaults). */
export interface NewKeyDomain {
  id: string;
  purpose: KeyDomain['purpose'];
  description: string;
  rotationPeriodDays: number | null;
}

/** Oldest first: the built-in domains lead, user-created ones follow in creation order. */
function byCreation(a: KeyDomain, b: KeyDomain): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/**
 * Key domains with their KEK versions and secret counts (metadata only: no key material ever
 * reaches the client). Live: the Keys page joins the `keys` room and calls `refreshDomain` for
 * every `domain:updated`; refreshes of one domain are coalesced, because a rotation announces
 * every re-wrapped batch.
 */
export const useKeysStore = defineStore('keys', () => {
  const domains = shallowRef<readonly KeyDomain[]>([]);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);

  /** Domains with a refresh in flight, and whether another one was asked for meanwhile. */
  const refreshing = new Map<string, { again: boolean; done: Promise<void> }>();

  function upsert(domain: KeyDomain): void {
    domains.value = [...domains.value.filter((d) => d.id !== domain.id), domain].sort(byCreation);
  }

  async function hydrate(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      domains.value = (await api.call('domains.list')).domains.slice().sort(byCreation);
      loaded.value = true;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  async function fetchDomain(id: string): Promise<void> {
    try {
      upsert(await api.call('domains.get', { params: { id } }));
    } catch (err) {
      if (isApiError(err, 'KEY_DOMAIN_NOT_FOUND')) domains.value = domains.value.filter((d) => d.id !== id);
      else error.value = errorMessage(err);
    }
  }

  /** Refetches one domain (after `domain:updated`): at most one request in flight per domain. */
  function refreshDomain(id: string): Promise<void> {
    const running = refreshing.get(id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await fetchDomain(id);
        } while (entry.again);
      } finally {
        refreshing.delete(id);
      }
    })();
    refreshing.set(id, entry);
    return entry.done;
  }

  async function create(req: NewKeyDomain): Promise<KeyDomain> {
    const domain = await api.call('domains.create', { body: req });
    upsert(domain);
    return domain;
  }

  async function setRotationPeriod(id: string, rotationPeriodDays: number | null): Promise<KeyDomain> {
    const domain = await api.call('domains.update', { params: { id }, body: { rotationPeriodDays } });
    upsert(domain);
    return domain;
  }

  /** Queues a KEK rotation; the job's progress arrives in the jobs store. */
  async function rotate(id: string): Promise<Job> {
    const job = await api.call('domains.rotate', { params: { id } });
    useJobsStore().track(job);
    return job;
  }

  /** Asks for a second person's approval to destroy a deactivated KEK version. */
  async function requestKekDestruction(id: string, version: number, reason: string): Promise<Approval> {
    const approval = await api.call('keks.destroy', {
      params: { id, version: String(version) },
      body: { reason },
    });
    useApprovalsStore().track(approval);
    return approval;
  }

  function dehydrate(): void {
    domains.value = [];
    loaded.value = false;
    error.value = null;
  }

  return {
    domains,
    loading,
    loaded,
    error,
    hydrate,
    refreshDomain,
    create,
    setRotationPeriod,
    rotate,
    requestKekDestruction,
    dehydrate,
  };
});
