// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEraseStore } from '../stores/erase.ts';
import { apiError, deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { usePsidRevert } from './usePsidRevert.ts';

let handler: FetchHandler;
beforeEach(() => {
  setActivePinia(createPinia());
  stubFetch((call) => handler(call));
});
afterEach(() => {
  useEraseStore().dehydrate(); // drops the re-read each answer schedules
  vi.unstubAllGlobals();
});

const item = (id: string, state: string) => ({
  id,
  itemRef: `sed:S-${id}`,
  identity: `S-${id}`,
  description: 'drive',
  state,
  result: state === 'erased' ? 'verified' : null,
  certificateId: state === 'erased' ? 'c1' : null,
  updatedAt: '2026-12-05T01:46:00.000Z',
});

describe('usePsidRevert', () => {
  it('tries one drive at a time and keeps each drive’s refusal beside it until the next try', async () => {
    const answer = deferred<Response>();
    handler = (call) =>
      call.url.includes('/items/i1/')
        ? answer.promise
        : call.url.includes('/items/i2/')
          ? json(200, item('i2', 'erased'))
          : json(200, { requests: [] });
    const psid = usePsidRevert();
    const first = psid.submit('r1', 'i1', 'X'.repeat(32));
    expect(psid.busyItem.value).toBe('i1');
    expect(await psid.submit('r1', 'i2', 'Y'.repeat(32))).toBe(false); // busy with i1
    answer.resolve(apiError(502, 'SED_AUTH_FAILED', 'S-i1 did not accept the PSID; nothing was erased'));
    expect(await first).toBe(false);
    expect(psid.busyItem.value).toBeNull();
    expect(psid.errors.value.get('i1')).toEqual({
      message: 'S-i1 did not accept the PSID; nothing was erased',
      requestId: 'req-1',
    });
    expect(await psid.submit('r1', 'i2', 'Y'.repeat(32))).toBe(true);
    expect([...psid.errors.value.keys()]).toEqual(['i1']);
  });
});
