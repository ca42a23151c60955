// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../../shared/schemas/audit.ts';
import type { AuditVerification } from '../../../shared/schemas/audit-verify.ts';
import { AUDIT_MAX_EVENTS, useAuditStore } from './audit.ts';

const event = (seq: number): AuditEvent => ({
  seq,
  at: '2026-01-01T00:00:00.000Z',
  actor: 'admin',
  action: 'auth.login',
  target: null,
  outcome: 'success',
  requestId: null,
  details: {},
  hash: `h${seq}`,
});
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => event(from - i));

let pages: (
  | { events: AuditEvent[]; nextBeforeSeq: number | null }
  | AuditVerification
  | Promise<unknown>
  | { error: { code: string; message: string } }
)[];
const urls: string[] = [];

beforeEach(() => {
  setActivePinia(createPinia());
  urls.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      const body = await pages.shift();
      const status = typeof body === 'object' && body !== null && 'error' in body ? 503 : 200;
      return new Response(JSON.stringify(body), { status });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

const seqs = () => useAuditStore().events.map((e) => e.seq);

describe('audit store', () => {
  it('pages backwards with loadOlder', async () => {
    pages = [
      { events: range(100, 51), nextBeforeSeq: 51 },
      { events: range(50, 1), nextBeforeSeq: null },
    ];
    const audit = useAuditStore();
    await audit.hydrate();
    await audit.loadOlder();
    expect(urls).toEqual(['/api/audit?limit=50', '/api/audit?limit=50&beforeSeq=51']);
    expect(seqs()).toEqual(range(100, 1).map((e) => e.seq));
    expect(audit.nextBeforeSeq).toBeNull();
  });

  it('prepends live events once, newest first', async () => {
    pages = [{ events: range(10, 1), nextBeforeSeq: null }];
    const audit = useAuditStore();
    await audit.hydrate();
    audit.prepend(event(11));
    audit.prepend(event(11));
    expect(seqs().slice(0, 2)).toEqual([11, 10]);
    expect(audit.events).toHaveLength(11);
  });

  it('merges what happened while offline, and starts over after a gap', async () => {
    pages = [
      { events: range(10, 1), nextBeforeSeq: null },
      { events: range(14, 8), nextBeforeSeq: 8 },
      { events: range(200, 151), nextBeforeSeq: 151 },
    ];
    const audit = useAuditStore();
    await audit.hydrate();
    await audit.hydrate();
    expect(seqs()).toEqual(range(14, 1).map((e) => e.seq));
    expect(audit.nextBeforeSeq).toBeNull();
    await audit.hydrate();
    expect(seqs()[0]).toBe(200);
    expect(audit.events).toHaveLength(50);
    expect(audit.nextBeforeSeq).toBe(151);
  });

  it(`keeps at most ${AUDIT_MAX_EVENTS} events in memory`, async () => {
    pages = [{ events: range(AUDIT_MAX_EVENTS, 1), nextBeforeSeq: null }];
    const audit = useAuditStore();
    await audit.hydrate();
    audit.prepend(event(AUDIT_MAX_EVENTS + 1));
    expect(audit.events).toHaveLength(AUDIT_MAX_EVENTS);
    expect(audit.nextBeforeSeq).toBe(2);
  });
});

describe('audit filters and verification', () => {
  const verified = (patch: Partial<AuditVerification> = {}): AuditVerification => ({
    ok: true,
    checkedRecords: 10,
    lastSeq: 10,
    checkedSeals: 1,
    lastSealedSeq: 8,
    problem: null,
    firstBadSeq: null,
    message: 'Chain intact',
    verifiedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  });

  it('asks the server for the filtered trail and starts over from the newest', async () => {
    pages = [
      { events: range(10, 1), nextBeforeSeq: null },
      { events: [{ ...event(7), action: 'kek.rotate.request' }], nextBeforeSeq: null },
    ];
    const audit = useAuditStore();
    await audit.hydrate();
    await audit.setFilters({ action: ' kek.rotate.request ', actor: '' });
    expect(urls[1]).toBe('/api/audit?limit=50&action=kek.rotate.request');
    expect(seqs()).toEqual([7]);
    expect(audit.filters).toEqual({ action: 'kek.rotate.request', actor: '' });
  });

  it('keeps only matching live events while filtered', async () => {
    pages = [{ events: [], nextBeforeSeq: null }];
    const audit = useAuditStore();
    await audit.setFilters({ action: '', actor: 'ann' });
    audit.prepend(event(1));
    audit.prepend({ ...event(2), actor: 'ann' });
    expect(seqs()).toEqual([2]);
    expect(urls).toEqual(['/api/audit?limit=50&actor=ann']);
  });

  it('drops an answer to filters that changed meanwhile', async () => {
    let answer!: (value: unknown) => void;
    pages = [
      new Promise((resolve) => (answer = resolve)),
      { events: [{ ...event(3), actor: 'bob' }], nextBeforeSeq: null },
    ];
    const audit = useAuditStore();
    const stale = audit.hydrate();
    await audit.setFilters({ action: '', actor: 'bob' });
    answer({ events: range(10, 1), nextBeforeSeq: null });
    await stale;
    expect(seqs()).toEqual([3]);
  });

  it('keeps the verifier’s verdict, and why it could not be asked', async () => {
    pages = [
      verified({ ok: false, problem: 'record-edited', firstBadSeq: 4, message: 'Record 4 was edited' }),
      { error: { code: 'HSM_UNAVAILABLE', message: 'The HSM does not answer' } },
    ];
    const audit = useAuditStore();
    const result = await audit.verify();
    expect(urls).toEqual(['/api/audit/verification']);
    expect(result).toMatchObject({ ok: false, problem: 'record-edited', firstBadSeq: 4 });
    expect(audit.verification?.firstBadSeq).toBe(4);
    expect(await audit.verify()).toBeNull();
    expect(audit.verifyError).toBe('The HSM does not answer');
    expect(audit.verifying).toBe(false);
  });
});
