// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { approval } from '../testing/fixtures.ts';
import { useApprovalsStore } from './approvals.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

describe('approvals store', () => {
  it('splits pending from decided requests, newest first', async () => {
    handler = () =>
      json(200, {
        approvals: [
          approval('old', { requestedAt: '2026-01-01T00:00:00.000Z' }),
          approval('done', { state: 'executed', requestedAt: '2026-01-02T00:00:00.000Z' }),
          approval('new', { requestedAt: '2026-01-03T00:00:00.000Z' }),
        ],
      });
    const approvals = useApprovalsStore();
    await approvals.hydrate();
    expect(approvals.pending.map((a) => a.id)).toEqual(['new', 'old']);
    expect(approvals.decided.map((a) => a.id)).toEqual(['done']);
  });

  it('answers a burst of approval:updated with at most one extra request', async () => {
    const first = deferred<Response>();
    let n = 0;
    handler = () => (++n === 1 ? first.promise : json(200, { approvals: [approval('b')] }));
    const approvals = useApprovalsStore();
    const done = [approvals.hydrate(), approvals.hydrate(), approvals.hydrate()];
    first.resolve(json(200, { approvals: [approval('a')] }));
    await Promise.all(done);
    expect(calls).toHaveLength(2);
    expect(approvals.approvals.map((a) => a.id)).toEqual(['b']);
  });

  it('sends the note with a decision and shows the outcome', async () => {
    handler = (call) =>
      call.url.endsWith('/deny')
        ? json(200, approval('a1', { state: 'denied', decisionNote: 'not yet' }))
        : json(200, { approvals: [approval('a1')] });
    const approvals = useApprovalsStore();
    await approvals.hydrate();
    await approvals.deny('a1', 'not yet');
    expect(calls[1]).toMatchObject({
      method: 'POST',
      url: '/api/approvals/a1/deny',
      body: { note: 'not yet' },
    });
    expect(approvals.pending).toEqual([]);
    expect(approvals.decided[0]?.state).toBe('denied');
  });

  it('passes on the server’s refusal of a self-approval and re-reads the list', async () => {
    handler = (call) =>
      call.url.endsWith('/approve')
        ? apiError(403, 'APPROVAL_SELF', 'A second person must approve this; you requested it')
        : json(200, { approvals: [approval('a1')] });
    const approvals = useApprovalsStore();
    await expect(approvals.approve('a1', '')).rejects.toMatchObject({
      code: 'APPROVAL_SELF',
      message: 'A second person must approve this; you requested it',
    });
    await vi.waitFor(() => expect(approvals.loaded).toBe(true));
    expect(approvals.pending.map((a) => a.id)).toEqual(['a1']);
  });

  it('keeps a request with one of two approvals pending, with the vote, and passes on a second vote’s refusal', async () => {
    const vote = { approver: 'sam', votedAt: '2026-01-01T01:00:00.000Z', note: 'checked' };
    handler = (call) => {
      if (!call.url.endsWith('/approve'))
        return json(200, { approvals: [approval('a1', { requiredApprovers: 2, votes: [vote] })] });
      return calls.filter((c) => c.url.endsWith('/approve')).length === 1
        ? json(200, approval('a1', { requiredApprovers: 2, votes: [vote] }))
        : apiError(409, 'APPROVAL_ALREADY_GIVEN', 'You approved this already; it needs 1 more approver(s)');
    };
    const approvals = useApprovalsStore();
    const after = await approvals.approve('a1', 'checked');
    expect(after).toMatchObject({ state: 'pending', requiredApprovers: 2, votes: [vote] });
    expect(approvals.pending.map((a) => a.id)).toEqual(['a1']);
    expect(approvals.byId.get('a1')?.votes).toEqual([vote]);
    await expect(approvals.approve('a1', 'again')).rejects.toMatchObject({ code: 'APPROVAL_ALREADY_GIVEN' });
  });
});
