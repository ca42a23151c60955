import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../server/domain/key-repositories.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

/**
 * Votes on one approval from several approvers at the same moment (two console instances on
 * one PostgreSQL): they count one after the other, so exactly one voter sees the last vote and
 * approves; a repeated vote counts once; a decided approval takes no more votes.
 */
describeEachDialect('approval votes', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterEach(async () => {
    await dispose();
  });

  const approval = (id: string, requiredApprovers: number): ApprovalRecord => ({
    id,
    action: 'erase.schedule',
    target: `erase:${id}`,
    params: {},
    state: 'pending',
    requestedBy: 'olivia',
    requestedAt: '2026-12-03T00:00:00.000Z',
    reason: 'test',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    expiresAt: '2026-12-04T00:00:00.000Z',
    executedAt: null,
    consumedAt: null,
    requiredApprovers,
    validHours: 24,
  });

  it('counts concurrent votes one after the other; exactly one voter sees the last one', async () => {
    await store.approvals.insert(approval('a1', 3));
    const voters = ['sam', 'tom', 'uma'];
    const seen = await Promise.all(
      voters.map((approver) =>
        store.transaction((tx) =>
          tx.approvals.vote({ approvalId: 'a1', approver, votedAt: '2026-12-03T01:00:00.000Z', note: '' }),
        ),
      ),
    );
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect((await store.approvals.votes(['a1'])).map((v) => v.approver).sort()).toEqual(voters);
    expect(await store.approvals.find('a1')).toMatchObject({ requiredApprovers: 3, validHours: 24 });
  });

  it('counts a repeated vote once and takes none once decided', async () => {
    await store.approvals.insert(approval('a2', 2));
    const vote = (approver: string) =>
      store.transaction((tx) =>
        tx.approvals.vote({ approvalId: 'a2', approver, votedAt: '2026-12-03T01:00:00.000Z', note: '' }),
      );
    expect(await vote('sam')).toBe(1);
    expect(await vote('sam')).toBe(1);
    await store.approvals.transition('a2', 'pending', { state: 'denied', decidedBy: 'tom' });
    expect(await vote('tom')).toBeUndefined();
    expect(await store.approvals.votes(['a2'])).toHaveLength(1);
  });
});
