import { describe, expect, it } from 'vitest';
import { approval } from '../../testing/fixtures.ts';
import {
  approvalCount,
  approveBlocked,
  hoursText,
  isFinalVote,
  namesText,
  policyCaution,
  policyProblem,
  policyText,
  waitingText,
} from './policy.ts';

const vote = (approver: string) => ({ approver, votedAt: '2026-01-01T01:00:00.000Z', note: '' });

describe('approval policy in words', () => {
  it('words a policy the way the retire dialog shows it', () => {
    expect(policyText({ approvers: 2, expiryHours: 24 })).toBe('needs 2 approvers, valid 24 h');
    expect(policyText({ approvers: 1, expiryHours: 72 })).toBe('needs 1 approver, valid 3 days');
    expect([hoursText(1), hoursText(36), hoursText(48), hoursText(720)]).toEqual([
      '1 h',
      '36 h',
      '2 days',
      '30 days',
    ]);
  });

  it('keeps a draft within the limits the console enforces', () => {
    expect(policyProblem({ approvers: 2, expiryHours: 24 })).toBeNull();
    expect(policyProblem({ approvers: 0, expiryHours: 24 })).toBe('Approvers: 1 to 5.');
    expect(policyProblem({ approvers: 6, expiryHours: 24 })).toBe('Approvers: 1 to 5.');
    expect(policyProblem({ approvers: 1.5, expiryHours: 24 })).toBe('Approvers: 1 to 5.');
    expect(policyProblem({ approvers: 1, expiryHours: 721 })).toMatch(/^Validity: 1 to 720 hours/);
    expect(policyProblem({ approvers: 1, expiryHours: Number.NaN })).toMatch(/^Validity/);
  });

  it('cautions about a policy the approvers can barely meet, or not at all', () => {
    expect(policyCaution(2, 4)).toBeNull();
    expect(policyCaution(4, 4)).toMatch(/^Every approver must agree/);
    expect(policyCaution(5, 4)).toBe('Only 4 users may approve now (enabled security officers and admins).');
    expect(policyCaution(2, 1)).toMatch(/^Only 1 user may approve/);
  });
});

describe('approval progress', () => {
  it('counts approvals and says who may not approve, and why', () => {
    const twoOfThem = approval('a1', { requestedBy: 'olivia', requiredApprovers: 2, votes: [vote('sam')] });
    expect(approvalCount(twoOfThem)).toBe('1 of 2 approvals');
    expect(approvalCount(approval('a2'))).toBe('0 of 1 approval');
    expect(isFinalVote(twoOfThem)).toBe(true);
    expect(isFinalVote(approval('a3', { requiredApprovers: 3, votes: [vote('sam')] }))).toBe(false);
    expect(approveBlocked(twoOfThem, 'olivia')).toBe('Your request: other approvers decide');
    expect(approveBlocked(twoOfThem, 'sam')).toBe('You approved; waiting for 1 more');
    expect(approveBlocked(twoOfThem, 'sofia')).toBeNull();
  });

  it('words a waiting erase request for its requester', () => {
    expect(waitingText(approval('a'))).toBe('waiting for a second person');
    expect(waitingText(approval('a', { requiredApprovers: 2 }))).toBe('waiting for 2 approvers');
    expect(waitingText(approval('a', { requiredApprovers: 3, votes: [vote('sam'), vote('sofia')] }))).toBe(
      '2 of 3 approvals (sam and sofia) · waiting for 1 more',
    );
    expect(namesText(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
