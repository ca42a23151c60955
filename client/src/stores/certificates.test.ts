// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CertificateSummary } from '../../../shared/schemas/certificates.ts';
import { apiError, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import {
  CERTIFICATES_PAGE_SIZE,
  certificateDownloadUrl,
  certificatePrintUrl,
  useCertificatesStore,
} from './certificates.ts';

const summary = (id: string, itemRef = 'sed:S1'): CertificateSummary => ({
  id,
  itemRef,
  issuedAt: '2026-05-01T10:00:00.000Z',
  completedAt: '2026-05-01T09:59:00.000Z',
  mediaType: 'NVMe SSD',
  serialNumber: itemRef.split(':')[1]!,
  category: 'Purge',
  method: 'Cryptographic Erase: TCG Opal revert with SID',
  verificationResult: 'passed',
  requestId: 'r1',
  operator: 'system',
});
const KEY = {
  alg: 'ES256',
  curve: 'P-256',
  keyId: 'ab'.repeat(32),
  fingerprintSha256: Array(32).fill('AB').join(':'),
  publicKeyPem: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n',
  hsmLabel: 'lw:cert-signing:v1',
};

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;
beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

describe('certificates store', () => {
  it('reads the newest page and the signing key', async () => {
    handler = (call) =>
      call.url.startsWith('/api/certificates/signing-key')
        ? json(200, KEY)
        : json(200, { certificates: [summary('c2'), summary('c1')], total: 2 });
    const store = useCertificatesStore();
    await store.hydrate();
    expect(calls.map((c) => c.url).sort()).toEqual([
      '/api/certificates/signing-key',
      `/api/certificates?limit=${CERTIFICATES_PAGE_SIZE}&offset=0`,
    ]);
    expect(store.certificates.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect(store.total).toBe(2);
    expect(store.signingKey?.keyId).toBe(KEY.keyId);
  });

  it('filters by item from the first page and pages on', async () => {
    handler = (call) =>
      call.url.includes('signing-key')
        ? json(200, KEY)
        : json(200, { certificates: [summary('c9')], total: 120 });
    const store = useCertificatesStore();
    await store.setItemRef('  cartridge:ABC123L9 ');
    await store.goTo(50);
    expect(calls.map((c) => c.url)).toEqual([
      `/api/certificates?limit=${CERTIFICATES_PAGE_SIZE}&offset=0&itemRef=cartridge%3AABC123L9`,
      `/api/certificates?limit=${CERTIFICATES_PAGE_SIZE}&offset=50&itemRef=cartridge%3AABC123L9`,
    ]);
    expect(store.itemRef).toBe('cartridge:ABC123L9');
  });

  it('shows the server refusal and keeps the signing-key error apart', async () => {
    handler = (call) =>
      call.url.includes('signing-key')
        ? apiError(503, 'HSM_UNAVAILABLE', 'The HSM is not reachable')
        : apiError(403, 'AUTH_FORBIDDEN', 'This needs one of the roles: admin, security-officer, auditor');
    const store = useCertificatesStore();
    await store.hydrate();
    expect(store.error).toMatch(/roles/);
    expect(store.signingKeyError).toMatch(/HSM/);
    store.dehydrate();
    expect(store.error).toBeNull();
    expect(store.certificates).toEqual([]);
  });

  it('links to the JSON download and the print page', () => {
    expect(certificateDownloadUrl('c1')).toBe('/api/certificates/c1?download=1');
    expect(certificatePrintUrl('c1')).toBe('/api/certificates/c1/print');
  });
});
