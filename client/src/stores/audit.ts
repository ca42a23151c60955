import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { AuditEvent } from '../../../shared/schemas/audit.ts';
import { api, errorMessage } from '../api/http.ts';

/** Most events kept in memory; older ones are paged in again on demand. */
export const AUDIT_MAX_EVENTS = 1_000;
export const AUDIT_PAGE_SIZE = 50;

function bySeqDesc(a: AuditEvent, b: AuditEvent): number {
  return b.seq - a.seq;
}

/**
 * The audit trail as the Audit page shows it: newest first, paged backwards with "Load older",
 * and live events prepended while the page is joined to the `audit` room.
 */
export const useAuditStore = defineStore('audit', () => {
  const events = shallowRef<readonly AuditEvent[]>([]);
  /** Where the next older page starts; null when the oldest event is loaded. */
  const nextBeforeSeq = shallowRef<number | null>(null);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);

  function keepBounded(list: AuditEvent[]): AuditEvent[] {
    if (list.length <= AUDIT_MAX_EVENTS) return list;
    const kept = list.slice(0, AUDIT_MAX_EVENTS);
    nextBeforeSeq.value = kept[kept.length - 1]?.seq ?? null;
    return kept;
  }

  async function fetchPage(
    beforeSeq?: number,
  ): Promise<{ events: AuditEvent[]; nextBeforeSeq: number | null }> {
    loading.value = true;
    error.value = null;
    try {
      const query =
        beforeSeq === undefined ? { limit: AUDIT_PAGE_SIZE } : { limit: AUDIT_PAGE_SIZE, beforeSeq };
      return await api.call('audit.list', { query });
    } catch (err) {
      error.value = errorMessage(err);
      throw err;
    } finally {
      loading.value = false;
    }
  }

  /**
   * Loads the newest page. Called again after (re)joining the room, it merges what arrived
   * meanwhile; if the new page does not reach the events already shown, it starts over.
   */
  async function hydrate(): Promise<void> {
    const page = await fetchPage();
    const newestKnown = events.value[0]?.seq;
    const oldestFetched = page.events[page.events.length - 1]?.seq;
    const overlaps =
      newestKnown !== undefined && (oldestFetched === undefined || oldestFetched <= newestKnown + 1);
    if (!overlaps) {
      events.value = page.events.slice().sort(bySeqDesc);
      nextBeforeSeq.value = page.nextBeforeSeq;
    } else {
      const known = new Set(events.value.map((e) => e.seq));
      const added = page.events.filter((e) => !known.has(e.seq));
      events.value = keepBounded([...added, ...events.value].sort(bySeqDesc));
    }
    loaded.value = true;
  }

  async function loadOlder(): Promise<void> {
    if (nextBeforeSeq.value === null || loading.value) return;
    const page = await fetchPage(nextBeforeSeq.value);
    const known = new Set(events.value.map((e) => e.seq));
    events.value = [...events.value, ...page.events.filter((e) => !known.has(e.seq))].sort(bySeqDesc);
    nextBeforeSeq.value = page.nextBeforeSeq;
  }

  /** A live `audit:appended` event. */
  function prepend(event: AuditEvent): void {
    if (!loaded.value || events.value.some((e) => e.seq === event.seq)) return;
    events.value = keepBounded([event, ...events.value].sort(bySeqDesc));
  }

  function dehydrate(): void {
    events.value = [];
    nextBeforeSeq.value = null;
    loaded.value = false;
    error.value = null;
  }

  return { events, nextBeforeSeq, loading, loaded, error, hydrate, loadOlder, prepend, dehydrate };
});
