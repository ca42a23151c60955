import { describe, expect, it } from 'vitest';
import { eraseRequest, job } from '../../testing/fixtures.ts';
import { idTail, jobSubject } from './labels.ts';

describe('jobs in words', () => {
  it('tells erase jobs apart by what they erase, and ids by their tail', () => {
    const id = '01a23d37-0000-7000-8000-00009f1c2a3b';
    const erase = job('01a23d37-0000-7000-8000-0000000000j1', {
      kind: 'erase.execute',
      params: { eraseRequestId: id, approvalId: 'ap1' },
    });
    const requests = new Map([[id, eraseRequest(id, { method: 'sed-revert', itemCount: 2 })]]);
    expect(jobSubject(erase, requests)).toBe('Opal revert (whole drive) · 2 drives');
    expect(jobSubject(erase)).toBe('erase request …9f1c2a3b');
    expect(jobSubject(job('j2'))).toBe('domain sed-fleet');
    expect(jobSubject(job('j3', { params: { librarySerial: 'L1' } }))).toBe('library L1');
    expect(jobSubject(job('j4', { params: {} }))).toBe('');
    expect(idTail(id)).toBe('…9f1c2a3b');
    expect(idTail('short-id')).toBe('short-id');
  });
});
