import type { EraseRequest } from '../../../../shared/schemas/erase.ts';
import type { Job } from '../../../../shared/schemas/jobs.ts';
import type { BadgeTone } from '../common/StatusBadge.vue';
import { requestTitle } from '../erase/labels.ts';

export const JOB_STATE_TONE: Record<Job['state'], BadgeTone> = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'warn',
};

const KIND_LABELS: Record<string, string> = {
  'kek.rotate': 'KEK rotation',
  'sed.enroll': 'SED enrollment',
  'sed.rotate': 'SED credential rotation',
  'sed.unlock-all': 'Unlock all SEDs',
  'tape.enroll': 'Tape cartridge enrollment',
  'erase.execute': 'Crypto-erase',
};

/** `kek.rotate` → `KEK rotation`; unknown kinds as they are. */
export function jobKindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** The end of an id: UUIDv7s share their first characters within a day, their last ones differ. */
export function idTail(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id;
}

/** Erase requests by id, as much of them as a job's subject needs. */
export type EraseRequestsById = ReadonlyMap<string, Pick<EraseRequest, 'method' | 'range' | 'itemCount'>>;

/**
 * What a job works on, from its params, or an empty string: `domain sed-fleet`,
 * `library L1`; an erase job by its request (`Crypto-shred · 3 cartridges`) when the request is
 * known, else `erase request …9f1c2a3b`.
 */
export function jobSubject(job: Job, eraseRequests?: EraseRequestsById): string {
  const { domainId, librarySerial, eraseRequestId } = job.params;
  if (typeof domainId === 'string') return `domain ${domainId}`;
  if (typeof librarySerial === 'string') return `library ${librarySerial}`;
  if (typeof eraseRequestId === 'string') {
    const request = eraseRequests?.get(eraseRequestId);
    return request ? requestTitle(request) : `erase request ${idTail(eraseRequestId)}`;
  }
  return '';
}

/**
 * How far a job is, 0–100. A finished job with nothing to do is complete; a job whose total
 * is not known yet reads 0.
 */
export function jobPercent(job: Pick<Job, 'done' | 'total' | 'state'>): number {
  if (job.total > 0) return Math.min(100, Math.round((job.done / job.total) * 100));
  return job.state === 'succeeded' ? 100 : 0;
}
