import { describe, expect, it } from 'vitest';
import { approval } from '../../testing/fixtures.ts';
import { approvalSubject, eraseApprovalParams, identitiesText } from './erase-approval.ts';

const erase = (params: Record<string, unknown>) =>
  approval('a1', { action: 'erase.schedule', target: 'erase:r1', params });

describe('erase approvals in the inbox', () => {
  it('reads the params of an erase approval and names it by method and size', () => {
    const a = erase({
      eraseRequestId: 'r1',
      method: 'tape-shred',
      range: null,
      itemCount: 12,
      binding: 'sha256:…',
      identities: ['A00001L9', 'A00002L9', 'A00003L9', 'A00004L9', 'A00005L9', 'A00006L9'],
      schedule: { kind: 'window', cron: '0 2 * * SAT', timeZone: 'Europe/Berlin' },
    });
    const params = eraseApprovalParams(a);
    expect(params).toMatchObject({ method: 'tape-shred', itemCount: 12 });
    expect(approvalSubject(a)).toBe('Crypto-shred · 12 cartridges');
    expect(identitiesText(params!)).toBe('A00001L9, A00002L9, A00003L9, A00004L9, A00005L9 and 7 more');
    expect(identitiesText({ identities: ['S1'], itemCount: 1 })).toBe('S1');
  });

  it('leaves other actions and params it does not understand to the generic row', () => {
    expect(eraseApprovalParams(approval('k1'))).toBeNull();
    expect(approvalSubject(approval('k1'))).toBe('kek:sed-fleet:v1');
    expect(eraseApprovalParams(erase({ method: 'shred-by-hammer' }))).toBeNull();
  });
});
