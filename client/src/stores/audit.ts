import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { AuditEvent } from '../../../shared/schemas/audit.ts';
import type { AuditVerification } from '../../../shared/schemas/audit-verify.ts';
import { api, errorMessage } from '../api/http.ts';

/** Most events kept in memory; older ones are paged in again on demand. */
export const AUDIT_MAX_EVENTS = 1_000;
export const AUDIT_PAGE_SIZE = 50;

function bySeqDesc(a: AuditEvent, b: AuditEvent): number {
  return b.seq - a.seq;
}

/** The server's exact-match filters (`?action=`, `?actor=`); empty means "any". */
export interface AuditFilters {
  action: string;
  actor: string;
}

const NO_FILTERS: AuditFilters = { action: '', actor: '' };

export function matchesFilters(event: AuditEvent, filters: AuditFilters): boolean {
  return (
    (!filters.action || event.action === filters.action) && (!filters.actor || event.actor === filters.actor)
  );
}

/**
 * The audit trail as the Audit page shows it: newest first, paged backwards with "Load older",
 * and live events prepended while the page is joined to the `audit` room. Filters narrow the
 * trail on the server; `verify()` asks the server to check the hash chain and its HSM seals.
 */
export const useAuditStore = defineStore('audit', () => {
  const events = shallowRef<readonly AuditEvent[]>([]);
  /** Where the next older page starts; null when the oldest event is loaded. */
  const nextBeforeSeq = shallowRef<number | null>(null);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);
  const filters = shallowRef<AuditFilters>(NO_FILTERS);
  const verification = shallowRef<AuditVerification | null>(null);
  const verifying = shallowRef(false);
  const verifyError = shallowRef<string | null>(null);
  /** Bumped when the filters change, so answers to the old filters are dropped. */
  let generation = 0;

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
      const { action, actor } = filters.value;
      const query = {
        limit: AUDIT_PAGE_SIZE,
        ...(beforeSeq !== undefined && { beforeSeq }),
        ...(action ? { action } : {}),
        ...(actor ? { actor } : {}),
      };
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
    const asked = generation;
    const page = await fetchPage();
    if (asked !== generation) return;
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
    const asked = generation;
    const page = await fetchPage(nextBeforeSeq.value);
    if (asked !== generation) return;
    const known = new Set(events.value.map((e) => e.seq));
    events.value = [...events.value, ...page.events.filter((e) => !known.has(e.seq))].sort(bySeqDesc);
    nextBeforeSeq.value = page.nextBeforeSeq;
  }

  /** A live `audit:appended` event (kept only if it matches the filters). */
  function prepend(event: AuditEvent): void {
    if (!loaded.value || !matchesFilters(event, filters.value)) return;
    if (events.value.some((e) => e.seq === event.seq)) return;
    events.value = keepBounded([event, ...events.value].sort(bySeqDesc));
  }

  /** Shows only events matching `next` (trimmed; empty fields match anything), from the newest. */
  async function setFilters(next: AuditFilters): Promise<void> {
    const trimmed = { action: next.action.trim(), actor: next.actor.trim() };
    if (trimmed.action === filters.value.action && trimmed.actor === filters.value.actor) return;
    filters.value = trimmed;
    generation += 1;
    events.value = [];
    nextBeforeSeq.value = null;
    loaded.value = false;
    await hydrate();
  }

  /** Checks the whole chain and its seals on the server; the answer says where it breaks. */
  async function verify(): Promise<AuditVerification | null> {
    verifying.value = true;
    verifyError.value = null;
    try {
      verification.value = await api.call('audit.verify');
      return verification.value;
    } catch (err) {
      verifyError.value = errorMessage(err);
      return null;
    } finally {
      verifying.value = false;
    }
  }

  function dehydrate(): void {
    events.value = [];
    nextBeforeSeq.value = null;
    loaded.value = false;
    error.value = null;
    filters.value = NO_FILTERS;
    verification.value = null;
    verifyError.value = null;
  }

  return {
    events,
    nextBeforeSeq,
    loading,
    loaded,
    error,
    filters,
    verification,
    verifying,
    verifyError,
    hydrate,
    loadOlder,
    prepend,
    setFilters,
    verify,
    dehydrate,
  };
});
