import type { Job } from '../../../../shared/schemas/jobs.ts';
import type { BadgeTone } from '../common/StatusBadge.vue';

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

/** What a job works on, from its params (`domain sed-fleet`), or an empty string. */
export function jobSubject(job: Job): string {
  const { domainId, librarySerial } = job.params;
  if (typeof domainId === 'string') return `domain ${domainId}`;
  return typeof librarySerial === 'string' ? `library ${librarySerial}` : '';
}

/**
 * How far a job is, 0–100. A finished job with nothing to do is complete; a job whose total
 * is not known yet reads 0.
 */
export function jobPercent(job: Pick<Job, 'done' | 'total' | 'state'>): number {
  if (job.total > 0) return Math.min(100, Math.round((job.done / job.total) * 100));
  return job.state === 'succeeded' ? 100 : 0;
}
