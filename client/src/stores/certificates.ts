import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import { API } from '../../../shared/api/routes.ts';
import type { CertificateSummary, SigningKey } from '../../../shared/schemas/certificates.ts';
import { api, buildPath, errorMessage } from '../api/http.ts';

export const CERTIFICATES_PAGE_SIZE = 50;

/** Where the signed JSON of a certificate downloads from (a file to keep and verify offline). */
export function certificateDownloadUrl(id: string): string {
  return `${buildPath(API['certificates.get'].path, { id })}?download=1`;
}

/** The printable page of a certificate (HTML, no scripts). */
export function certificatePrintUrl(id: string): string {
  return buildPath(API['certificates.print'].path, { id });
}

/**
 * Certificates of sanitization as the Certificates page shows them: newest first, a page at a
 * time, optionally for one item (`sed:<serial>` or `cartridge:<barcode>`), plus the console's
 * signing key for pinning.
 */
export const useCertificatesStore = defineStore('certificates', () => {
  const certificates = shallowRef<readonly CertificateSummary[]>([]);
  const total = shallowRef(0);
  const offset = shallowRef(0);
  const itemRef = shallowRef('');
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);
  const signingKey = shallowRef<SigningKey | null>(null);
  const signingKeyError = shallowRef<string | null>(null);
  /** Bumped on every fetch, so an older answer never overwrites a newer one. */
  let generation = 0;

  async function fetchPage(): Promise<void> {
    const asked = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const query = {
        limit: CERTIFICATES_PAGE_SIZE,
        offset: offset.value,
        ...(itemRef.value ? { itemRef: itemRef.value } : {}),
      };
      const page = await api.call('certificates.list', { query });
      if (asked !== generation) return;
      certificates.value = page.certificates;
      total.value = page.total;
      loaded.value = true;
    } catch (err) {
      if (asked === generation) error.value = errorMessage(err);
    } finally {
      if (asked === generation) loading.value = false;
    }
  }

  async function loadSigningKey(): Promise<void> {
    signingKeyError.value = null;
    try {
      signingKey.value = await api.call('certificates.signingKey');
    } catch (err) {
      signingKeyError.value = errorMessage(err);
    }
  }

  async function hydrate(): Promise<void> {
    await Promise.all([fetchPage(), signingKey.value ? Promise.resolve() : loadSigningKey()]);
  }

  /** Shows only the certificates of one item (trimmed; empty shows all), from the newest. */
  async function setItemRef(next: string): Promise<void> {
    itemRef.value = next.trim();
    offset.value = 0;
    await fetchPage();
  }

  async function goTo(nextOffset: number): Promise<void> {
    offset.value = Math.max(0, nextOffset);
    await fetchPage();
  }

  function dehydrate(): void {
    generation++;
    certificates.value = [];
    total.value = 0;
    offset.value = 0;
    itemRef.value = '';
    loaded.value = false;
    loading.value = false;
    error.value = null;
    signingKey.value = null;
    signingKeyError.value = null;
  }

  return {
    certificates,
    total,
    offset,
    itemRef,
    loading,
    loaded,
    error,
    signingKey,
    signingKeyError,
    hydrate,
    setItemRef,
    goTo,
    dehydrate,
  };
});
