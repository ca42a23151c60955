// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../../shared/schemas/audit.ts';
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

let pages: { events: AuditEvent[]; nextBeforeSeq: number | null }[];
const urls: string[] = [];

beforeEach(() => {
  setActivePinia(createPinia());
  urls.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      urls.push(url);
      return Promise.resolve(new Response(JSON.stringify(pages.shift()), { status: 200 }));
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
