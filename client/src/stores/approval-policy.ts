import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { ApprovalPolicy, SetApprovalPolicy } from '../../../shared/schemas/approvals.ts';
import { api, errorMessage } from '../api/http.ts';
import { coalesced } from './coalesced.ts';

/**
 * Approval policy: per approval-gated action, how many approvers besides the requester it
 * needs and how long a request stays valid. Everyone reads it (it governs their requests);
 * admins change it. Live: the Settings page feeds `approval-policy:updated` to `hydrate`.
 */
export const useApprovalPolicyStore = defineStore('approval-policy', () => {
  const policies = shallowRef<readonly ApprovalPolicy[]>([]);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);

  const byAction = computed(() => new Map(policies.value.map((p) => [p.action, p])));

  const fetch = coalesced(async () => {
    loading.value = true;
    try {
      policies.value = (await api.call('approvals.policy.list')).policies;
      loaded.value = true;
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  });

  /** Reads every policy; overlapping calls share one request (and one more after it). */
  function hydrate(): Promise<void> {
    return fetch();
  }

  function track(policy: ApprovalPolicy): void {
    policies.value = policies.value.some((p) => p.action === policy.action)
      ? policies.value.map((p) => (p.action === policy.action ? policy : p))
      : [...policies.value, policy].sort((a, b) => a.action.localeCompare(b.action));
  }

  /** Admins: sets one action's policy. Refusals (APPROVAL_POLICY_UNSATISFIABLE, …) are thrown. */
  async function set(action: string, next: SetApprovalPolicy): Promise<ApprovalPolicy> {
    const policy = await api.call('approvals.policy.set', { params: { action }, body: next });
    track(policy);
    return policy;
  }

  function dehydrate(): void {
    policies.value = [];
    loaded.value = false;
    error.value = null;
  }

  return { policies, byAction, loading, loaded, error, hydrate, set, track, dehydrate };
});
