import { Cron } from 'croner';
import type { EraseSchedule } from '../../../shared/schemas/erase.ts';
import { AppError } from '../../domain/errors.ts';

/** Refuses a schedule that can never fire: a time in the past, a cron that does not parse. */
export function checkSchedule(schedule: EraseSchedule, now: Date): void {
  if (schedule.kind === 'at' && new Date(schedule.at).getTime() <= now.getTime())
    throw new AppError('VALIDATION_FAILED', `The time ${schedule.at} has passed`);
  if (schedule.kind === 'window') {
    const next = cronOf(schedule).nextRun(now);
    if (!next) throw new AppError('VALIDATION_FAILED', `The window "${schedule.cron}" never comes again`);
  }
}

/**
 * When approved work runs: at once, at the given time (or at once when approval came later),
 * or at the start of the next maintenance window after the approval.
 */
export function runAtFor(schedule: EraseSchedule, approvedAt: Date): Date {
  if (schedule.kind === 'now') return approvedAt;
  if (schedule.kind === 'at')
    return new Date(Math.max(new Date(schedule.at).getTime(), approvedAt.getTime()));
  const next = cronOf(schedule).nextRun(approvedAt);
  if (!next) throw new AppError('VALIDATION_FAILED', `The window "${schedule.cron}" never comes again`);
  return next;
}

function cronOf(schedule: Extract<EraseSchedule, { kind: 'window' }>): Cron {
  try {
    return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
  } catch (err) {
    throw new AppError(
      'VALIDATION_FAILED',
      `"${schedule.cron}" is not a cron expression: ${(err as Error).message}`,
    );
  }
}
