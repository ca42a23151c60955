// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HsmStatusDto } from '../../../shared/schemas/hsm.ts';
import { apiError, json, stubFetch } from '../testing/fake-fetch.ts';
import { useHsmStore } from './hsm.ts';

const unreachable: HsmStatusDto = {
  reachable: false,
  kind: 'softhsm',
  error: 'CKR_TOKEN_NOT_PRESENT',
  module: null,
  token: null,
  isLoggedIn: false,
  memory: null,
  mechanisms: {},
  latencyMs: null,
  checkedAt: '2026-01-01T00:00:00.000Z',
};

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

describe('hsm store', () => {
  it('keeps an unreachable HSM as a status, not as an error', async () => {
    stubFetch(() => json(200, unreachable));
    const hsm = useHsmStore();
    await hsm.hydrate();
    expect(hsm.status?.error).toBe('CKR_TOKEN_NOT_PRESENT');
    expect(hsm.error).toBeNull();
  });

  it('reports when the console itself cannot be asked, keeping the last status', async () => {
    let fail = false;
    stubFetch(() =>
      fail ? apiError(500, 'INTERNAL_ERROR', 'Something went wrong') : json(200, unreachable),
    );
    const hsm = useHsmStore();
    await hsm.hydrate();
    fail = true;
    await hsm.hydrate();
    expect(hsm.error).toBe('Something went wrong');
    expect(hsm.status).not.toBeNull();
  });
});
