// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalPolicy } from '../../../shared/schemas/approvals.ts';
import { apiError, deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { useApprovalPolicyStore } from './approval-policy.ts';

const policy = (action: string, patch: Partial<ApprovalPolicy> = {}): ApprovalPolicy => ({
  action,
  label: action,
  approvers: 1,
  expiryHours: 24,
  updatedBy: null,
  updatedAt: null,
  eligibleApprovers: 3,
  ...patch,
});

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;
beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

describe('approval policy store', () => {
  it('reads every action’s policy, and a burst of updates costs one more read', async () => {
    const first = deferred<Response>();
    let n = 0;
    handler = () =>
      ++n === 1
        ? first.promise
        : json(200, { policies: [policy('erase.schedule', { approvers: 2 }), policy('kek.destroy')] });
    const store = useApprovalPolicyStore();
    const reads = [store.hydrate(), store.hydrate(), store.hydrate()];
    first.resolve(json(200, { policies: [policy('erase.schedule')] }));
    await Promise.all(reads);
    expect(calls).toHaveLength(2);
    expect(store.byAction.get('erase.schedule')?.approvers).toBe(2);
    expect(store.loaded).toBe(true);
  });

  it('sets a policy and shows the console’s answer; a refusal is thrown and changes nothing', async () => {
    handler = (call) => {
      if (call.method === 'GET') return json(200, { policies: [policy('erase.schedule')] });
      const body = call.body as { approvers: number; expiryHours: number };
      return body.approvers > 3
        ? apiError(
            409,
            'APPROVAL_POLICY_UNSATISFIABLE',
            'Only 3 user(s) may approve (enabled security-officer or admin); add approvers before requiring 4',
          )
        : json(
            200,
            policy('erase.schedule', { ...body, updatedBy: 'ada', updatedAt: '2026-12-05T01:00:00.000Z' }),
          );
    };
    const store = useApprovalPolicyStore();
    await store.hydrate();
    await expect(store.set('erase.schedule', { approvers: 4, expiryHours: 24 })).rejects.toMatchObject({
      code: 'APPROVAL_POLICY_UNSATISFIABLE',
    });
    expect(store.byAction.get('erase.schedule')?.approvers).toBe(1);
    await store.set('erase.schedule', { approvers: 2, expiryHours: 48 });
    expect(calls.at(-1)).toMatchObject({
      method: 'PUT',
      url: '/api/approval-policies/erase.schedule',
      body: { approvers: 2, expiryHours: 48 },
    });
    expect(store.byAction.get('erase.schedule')).toMatchObject({
      approvers: 2,
      expiryHours: 48,
      updatedBy: 'ada',
    });
    store.dehydrate();
    expect([store.policies, store.loaded]).toEqual([[], false]);
  });
});
