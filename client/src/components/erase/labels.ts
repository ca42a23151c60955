import type { z } from 'zod';
import type {
  EraseItemSchema,
  EraseMethod,
  EraseRequest,
  EraseRequestStateSchema,
} from '../../../../shared/schemas/erase.ts';
import type { BadgeTone } from '../common/StatusBadge.vue';

export type EraseRequestState = z.infer<typeof EraseRequestStateSchema>;
export type EraseItem = z.infer<typeof EraseItemSchema>;

/** The approval action an erase request waits on (server: ERASE_APPROVAL_ACTION). */
export const ERASE_APPROVAL_ACTION = 'erase.schedule';
/** The job kind that runs an approved erase (server: ERASE_JOB). */
export const ERASE_JOB = 'erase.execute';

/** A method in words, for titles and buttons. */
export const METHOD_LABEL: Record<EraseMethod, string> = {
  'sed-revert': 'Opal revert (whole drive)',
  'sed-psid-revert': 'PSID revert (credentials lost)',
  'sed-range-rekey': 'Locking-range re-key',
  'tape-shred': 'Crypto-shred',
};

/** What a method does, for the dialog and the approver. */
export const METHOD_DETAIL: Record<EraseMethod, string> = {
  'sed-revert':
    'TCG Opal revert with the escrowed SID: the drive returns to factory state and its media key is replaced, so everything on it becomes unreadable.',
  'sed-psid-revert':
    'TCG Opal revert with the PSID printed on the drive label, for a drive whose credentials are lost or were never escrowed: factory state, every media key replaced. Once approved and due, an operator at the drive types the PSID from the label on the Erase schedule; it is never stored.',
  'sed-range-rekey':
    'A new media key for one locking range: the data in that range becomes unreadable, the rest of the drive is untouched.',
  'tape-shred':
    "The cartridge's data key is destroyed in the HSM and the database (a shared pool key only with its last cartridge): what the cartridge holds can never be decrypted again.",
};

export const REQUEST_STATE_LABEL: Record<EraseRequestState, string> = {
  'pending-approval': 'awaiting approval',
  scheduled: 'scheduled',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  denied: 'denied',
};

export const REQUEST_STATE_TONE: Record<EraseRequestState, BadgeTone> = {
  'pending-approval': 'warn',
  scheduled: 'info',
  running: 'info',
  completed: 'ok',
  failed: 'bad',
  cancelled: 'neutral',
  denied: 'neutral',
};

export const ITEM_STATE_TONE: Record<EraseItem['state'], BadgeTone> = {
  pending: 'neutral',
  erasing: 'info',
  erased: 'ok',
  failed: 'bad',
  skipped: 'warn',
};

/** States in which a request may still be called off. */
export function isCancellable(state: EraseRequestState): boolean {
  return state === 'pending-approval' || state === 'scheduled' || state === 'running';
}

/** `1 cartridge`, `12 drives`. */
export function itemCount(method: EraseMethod, count: number): string {
  const noun = method === 'tape-shred' ? 'cartridge' : 'drive';
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A request's method and size in words: `Crypto-shred · 3 cartridges`, `Locking-range re-key (range 2) · 1 drive`. */
export function requestTitle(r: Pick<EraseRequest, 'method' | 'range' | 'itemCount'>): string {
  const range = r.method === 'sed-range-rekey' && r.range !== null ? ` (range ${r.range})` : '';
  return `${METHOD_LABEL[r.method]}${range} · ${itemCount(r.method, r.itemCount)}`;
}

/** One day of the timeline: its local date and the requests that run (or ran) on it. */
export interface EraseDay {
  /** `2026-12-05`, local. */
  key: string;
  /** `Saturday 5 December 2026`, with `Today` / `Tomorrow` in front where it applies. */
  label: string;
  requests: EraseRequest[];
}

export interface EraseTimeline {
  /** Waiting for a second person: no run time yet. Oldest first. */
  awaiting: EraseRequest[];
  /** Days from today on, soonest first. */
  upcoming: EraseDay[];
  /** Days before today, most recent first. */
  past: EraseDay[];
  /** Ended before they were approved (denied, withdrawn, expired). Newest first. */
  closed: EraseRequest[];
}

const pad = (n: number): string => String(n).padStart(2, '0');
const dayKey = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const dayFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
/** `Saturday 5 December 2026` (assembled from parts: ICU versions differ on the comma). */
function dayLabel(d: Date): string {
  const parts = dayFormat.formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** Requests grouped by the local day of `runAt`, the way the Erase page shows them. */
export function eraseTimeline(requests: readonly EraseRequest[], now: Date = new Date()): EraseTimeline {
  const today = dayKey(now);
  const tomorrow = dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));
  const days = new Map<string, EraseDay>();
  const awaiting: EraseRequest[] = [];
  const closed: EraseRequest[] = [];
  for (const r of requests) {
    if (r.state === 'pending-approval') awaiting.push(r);
    else if (r.runAt === null) closed.push(r);
    else {
      const at = new Date(r.runAt);
      const key = dayKey(at);
      let day = days.get(key);
      if (!day) {
        const prefix = key === today ? 'Today · ' : key === tomorrow ? 'Tomorrow · ' : '';
        day = { key, label: `${prefix}${dayLabel(at)}`, requests: [] };
        days.set(key, day);
      }
      day.requests.push(r);
    }
  }
  const byRunAt = (a: EraseRequest, b: EraseRequest): number =>
    (a.runAt ?? '').localeCompare(b.runAt ?? '') || a.id.localeCompare(b.id);
  for (const day of days.values()) day.requests.sort(byRunAt);
  const all = [...days.values()].sort((a, b) => a.key.localeCompare(b.key));
  awaiting.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  closed.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return {
    awaiting,
    upcoming: all.filter((d) => d.key >= today),
    past: all.filter((d) => d.key < today).reverse(),
    closed,
  };
}
