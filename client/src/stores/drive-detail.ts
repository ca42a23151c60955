import { defineStore } from 'pinia';
import { shallowReactive, shallowRef } from 'vue';
import type { z } from 'zod';
import type { Approval } from '../../../shared/schemas/approvals.ts';
import type { AuditEvent, AuditPage } from '../../../shared/schemas/audit.ts';
import type { BreakGlassRevealSchema, SedDrive } from '../../../shared/schemas/sed.ts';
import { api, errorMessage, isApiError } from '../api/http.ts';
import { useApprovalsStore } from './approvals.ts';
import { parseSedUpdate } from './drives.ts';

export const BREAK_GLASS_ACTION = 'sed.break-glass';
/** Audit records read per request while looking for one drive's history (the API maximum). */
export const HISTORY_PAGE_SIZE = 500;
/** Pages read per "look further back", so a long trail is not read in one go. */
export const HISTORY_PAGES_PER_SCAN = 4;
/** A scan stops early once this many of the drive's records are found. */
export const HISTORY_WANTED = 50;

export type BreakGlassReveal = z.infer<typeof BreakGlassRevealSchema>;

/** The audit target of a drive's records: its serial, which survives device path changes. */
export const driveTarget = (drive: Pick<SedDrive, 'serial'>): string => `sed:${drive.serial}`;

/** The newest break-glass request by `username` for `driveId` in `approvals`, or null. */
export function breakGlassFor(
  approvals: readonly Approval[],
  driveId: string,
  username: string,
): Approval | null {
  let best: Approval | null = null;
  for (const a of approvals) {
    if (a.action !== BREAK_GLASS_ACTION || a.params.driveId !== driveId || a.requestedBy !== username)
      continue;
    if (!best || a.requestedAt > best.requestedAt) best = a;
  }
  return best;
}

/**
 * One drive for the drive page: its record (live through `applyUpdate`), its history, and the
 * break-glass grant the signed-in user asked for. The audit API filters by exact action and
 * actor only, so the history is found by reading the trail backwards a few pages at a time and
 * keeping the records whose target is the drive. A revealed password is returned to the caller
 * and never kept here.
 */
export const useDriveDetailStore = defineStore('drive-detail', () => {
  const id = shallowRef<string | null>(null);
  const drive = shallowRef<SedDrive | null>(null);
  const loading = shallowRef(false);
  const error = shallowRef<string | null>(null);
  const notFound = shallowRef(false);

  const history = shallowRef<readonly AuditEvent[]>([]);
  const historyLoading = shallowRef(false);
  const historyError = shallowRef<string | null>(null);
  /** Whether a scan has run for this drive. */
  const historyStarted = shallowRef(false);
  /** Where the next scan starts (`beforeSeq`); null once the oldest record was read. */
  const historyCursor = shallowRef<number | null>(null);
  /** Audit records read so far, the drive's and others'. */
  const historyScanned = shallowRef(0);

  /** A "read ranges" request in flight, and its last failure. */
  const rangesBusy = shallowRef(false);
  const rangesError = shallowRef<string | null>(null);

  /** Break-glass requests made here, by drive id (kept across navigation within the session). */
  const grants = shallowReactive(new Map<string, Approval>());

  let historyGeneration = 0;

  function resetHistory(): void {
    historyGeneration += 1;
    history.value = [];
    historyLoading.value = false;
    historyError.value = null;
    historyStarted.value = false;
    historyCursor.value = null;
    historyScanned.value = 0;
  }

  async function load(): Promise<void> {
    const wanted = id.value;
    if (wanted === null) return;
    loading.value = true;
    try {
      const fresh = await api.call('sed.get', { params: { id: wanted } });
      if (wanted !== id.value) return;
      drive.value = fresh;
      error.value = null;
      notFound.value = false;
    } catch (err) {
      if (wanted !== id.value) return;
      notFound.value = isApiError(err, 'DEVICE_NOT_FOUND');
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  /** Shows drive `next` (forgetting the previous one's history) and reads it. */
  function open(next: string): Promise<void> {
    if (next !== id.value) {
      id.value = next;
      drive.value = null;
      error.value = null;
      notFound.value = false;
      rangesBusy.value = false;
      rangesError.value = null;
      resetHistory();
    }
    return load();
  }

  /** Takes a drive the server returned after an action. */
  function setDrive(next: SedDrive): void {
    if (next.id === id.value) drive.value = next;
  }

  /**
   * Has the server list the drive's locking ranges (with its escrowed Admin1; audited) and
   * takes the drive it answers with. A failure is kept in `rangesError`, never thrown.
   */
  async function readRanges(): Promise<void> {
    const wanted = id.value;
    if (wanted === null || rangesBusy.value) return;
    rangesBusy.value = true;
    rangesError.value = null;
    try {
      setDrive(await api.call('sed.refreshRanges', { params: { id: wanted } }));
    } catch (err) {
      if (wanted === id.value) rangesError.value = errorMessage(err);
    } finally {
      if (wanted === id.value) rangesBusy.value = false;
    }
  }

  /** A live `device:updated`; other drives and devices are ignored. */
  function applyUpdate(payload: unknown): void {
    const next = parseSedUpdate(payload);
    if (next) setDrive(next);
  }

  /** Reads the trail further back until enough of the drive's records are found (or its start). */
  async function scanHistory(): Promise<void> {
    const current = drive.value;
    if (!current || historyLoading.value || (historyStarted.value && historyCursor.value === null)) return;
    const target = driveTarget(current);
    const asked = historyGeneration;
    historyLoading.value = true;
    historyError.value = null;
    try {
      let found = 0;
      for (let pages = 0; pages < HISTORY_PAGES_PER_SCAN && found < HISTORY_WANTED; pages++) {
        const before = historyCursor.value;
        const page = await api.call('audit.list', {
          query: { limit: HISTORY_PAGE_SIZE, ...(before !== null && { beforeSeq: before }) },
        });
        if (asked !== historyGeneration) return;
        historyStarted.value = true;
        historyScanned.value += page.events.length;
        const mine = page.events.filter((e) => e.target === target);
        found += mine.length;
        const seen = new Set(history.value.map((e) => e.seq));
        history.value = [...history.value, ...mine.filter((e) => !seen.has(e.seq))].sort(
          (a, b) => b.seq - a.seq,
        );
        historyCursor.value = page.nextBeforeSeq;
        if (page.nextBeforeSeq === null) break;
      }
    } catch (err) {
      if (asked === historyGeneration) historyError.value = errorMessage(err);
    } finally {
      if (asked === historyGeneration) historyLoading.value = false;
    }
  }

  /**
   * Brings the history up to date (after a (re)join): the first time a scan; later the newest
   * pages until they reach the newest record already known, or a fresh scan if they do not.
   */
  async function refreshHistory(): Promise<void> {
    const current = drive.value;
    if (!current || historyLoading.value) return;
    const newest = history.value[0]?.seq;
    if (!historyStarted.value || newest === undefined) {
      if (historyStarted.value) resetHistory();
      return scanHistory();
    }
    const target = driveTarget(current);
    const asked = historyGeneration;
    historyLoading.value = true;
    historyError.value = null;
    try {
      const fresh: AuditEvent[] = [];
      let before: number | null = null;
      for (let pages = 0; pages < HISTORY_PAGES_PER_SCAN; pages++) {
        const page: AuditPage = await api.call('audit.list', {
          query: { limit: HISTORY_PAGE_SIZE, ...(before !== null && { beforeSeq: before }) },
        });
        if (asked !== historyGeneration) return;
        fresh.push(...page.events.filter((e) => e.target === target && e.seq > newest));
        const oldest = page.events[page.events.length - 1]?.seq;
        before = page.nextBeforeSeq;
        if (oldest === undefined || oldest <= newest || before === null) {
          history.value = [...fresh, ...history.value].sort((a, b) => b.seq - a.seq);
          return;
        }
      }
    } catch (err) {
      if (asked === historyGeneration) historyError.value = errorMessage(err);
      return;
    } finally {
      if (asked === historyGeneration) historyLoading.value = false;
    }
    // Too much happened meanwhile to stitch the pages together: start over.
    resetHistory();
    await scanHistory();
  }

  /** A live `audit:appended`: kept when it is about this drive and the history is shown. */
  function appendHistory(event: AuditEvent): void {
    const current = drive.value;
    if (!current || !historyStarted.value || event.target !== driveTarget(current)) return;
    if (history.value.some((e) => e.seq === event.seq)) return;
    history.value = [event, ...history.value].sort((a, b) => b.seq - a.seq);
  }

  /** The signed-in user's newest break-glass request for a drive, as fresh as is known. */
  function grantFor(driveId: string, username: string): Approval | null {
    const listed = breakGlassFor(useApprovalsStore().approvals, driveId, username);
    const mine = grants.get(driveId);
    const local = mine?.requestedBy === username ? mine : null;
    if (!listed || !local) return listed ?? local;
    if (listed.id === local.id) return local.consumedAt && !listed.consumedAt ? local : listed;
    return listed.requestedAt > local.requestedAt ? listed : local;
  }

  /** Asks for a second person's approval to reveal the drive's Admin1 password once. */
  async function requestBreakGlass(driveId: string, reason: string): Promise<Approval> {
    const approval = await api.call('sed.breakGlass', { params: { id: driveId }, body: { reason } });
    grants.set(driveId, approval);
    useApprovalsStore().track(approval);
    return approval;
  }

  /** Uses an approved grant: the answer holds the password; the caller shows it and drops it. */
  async function reveal(driveId: string, approval: Approval): Promise<BreakGlassReveal> {
    const answer = await api.call('sed.breakGlassReveal', {
      params: { id: driveId, approvalId: approval.id },
    });
    grants.set(driveId, { ...approval, consumedAt: new Date().toISOString() });
    return answer;
  }

  function dehydrate(): void {
    id.value = null;
    drive.value = null;
    error.value = null;
    notFound.value = false;
    rangesBusy.value = false;
    rangesError.value = null;
    resetHistory();
    grants.clear();
  }

  return {
    id,
    drive,
    loading,
    error,
    notFound,
    history,
    historyLoading,
    historyError,
    historyStarted,
    historyCursor,
    historyScanned,
    rangesBusy,
    rangesError,
    open,
    load,
    setDrive,
    readRanges,
    applyUpdate,
    scanHistory,
    refreshHistory,
    appendHistory,
    grantFor,
    requestBreakGlass,
    reveal,
    dehydrate,
  };
});
