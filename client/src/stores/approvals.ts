import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { Approval } from '../../../shared/schemas/approvals.ts';
import { api, errorMessage } from '../api/http.ts';

function newestFirst(a: Approval, b: Approval): number {
  return b.requestedAt.localeCompare(a.requestedAt) || a.id.localeCompare(b.id);
}

/**
 * Dual-control requests (destroy a KEK or a secret, break-glass, crypto-erase): one person asks,
 * as many others as the action's policy names approve (`requiredApprovers`, `votes`).
 * Live: the page joins the `approvals` room and calls `hydrate` for every `approval:updated`
 * (the API has no single-approval read); overlapping refreshes are coalesced.
 */
export const useApprovalsStore = defineStore('approvals', () => {
  const approvals = shallowRef<readonly Approval[]>([]);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);

  const pending = computed(() => approvals.value.filter((a) => a.state === 'pending'));
  const decided = computed(() => approvals.value.filter((a) => a.state !== 'pending'));
  const byId = computed(() => new Map(approvals.value.map((a) => [a.id, a])));

  function track(approval: Approval): void {
    approvals.value = [...approvals.value.filter((a) => a.id !== approval.id), approval].sort(newestFirst);
  }

  let inFlight: Promise<void> | null = null;
  let again = false;

  async function load(): Promise<void> {
    loading.value = true;
    try {
      do {
        again = false;
        approvals.value = (await api.call('approvals.list')).approvals.slice().sort(newestFirst);
      } while (again);
      loaded.value = true;
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  /** Loads the list; a call while one is running makes that one fetch once more. */
  function hydrate(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = load().finally(() => (inFlight = null));
    return inFlight;
  }

  /**
   * One approver's yes: the vote that completes the request runs the action (an erase is
   * scheduled); before that the request stays pending with one more vote. The server refuses
   * the person who asked (APPROVAL_SELF) and a second vote by the same person (APPROVAL_ALREADY_GIVEN).
   */
  async function approve(id: string, note: string): Promise<Approval> {
    try {
      const approval = await api.call('approvals.approve', { params: { id }, body: { note } });
      track(approval);
      return approval;
    } catch (err) {
      // The decision may have been recorded even though the action then failed: show what is true.
      void hydrate();
      throw err;
    }
  }

  /** Denies someone else's request, or withdraws one's own. */
  async function deny(id: string, note: string): Promise<Approval> {
    const approval = await api.call('approvals.deny', { params: { id }, body: { note } });
    track(approval);
    return approval;
  }

  function dehydrate(): void {
    approvals.value = [];
    loaded.value = false;
    error.value = null;
  }

  return {
    approvals,
    pending,
    decided,
    byId,
    loading,
    loaded,
    error,
    hydrate,
    track,
    approve,
    deny,
    dehydrate,
  };
});
