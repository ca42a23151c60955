// When an erase runs, in words. Pure functions over the shared schedule shape; croner computes
// the next maintenance window the same way the server does (server/services/erase/erase-schedule.ts).
import { Cron } from 'croner';
import type { EraseRequest, EraseSchedule } from '../../../../shared/schemas/erase.ts';

type WindowSchedule = Extract<EraseSchedule, { kind: 'window' }>;

/** The browser's own IANA time zone (for "at a time" and the default window zone). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA zone the browser knows, for a select; the local zone and UTC are always in it. */
export function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([localTimeZone(), 'UTC', ...all])].sort((a, b) => a.localeCompare(b));
}

/** `Sat 5 Dec 02:00 CET`: a moment as the clock in `timeZone` shows it, with the zone's abbreviation. */
export function formatInZone(at: Date | string, timeZone: string = localTimeZone()): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return String(at);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

/** Why a window's cron expression cannot be used, or null when it can (it also has a next run). */
export function cronProblem(cron: string, timeZone: string, now: Date = new Date()): string | null {
  try {
    const next = new Cron(cron, { timezone: timeZone, paused: true }).nextRun(now);
    return next ? null : 'this window never comes again';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The start of the next window after `from`, or null when the expression does not parse. */
export function nextWindow(schedule: Pick<WindowSchedule, 'cron' | 'timeZone'>, from: Date): Date | null {
  try {
    return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true }).nextRun(from);
  } catch {
    return null;
  }
}

/**
 * A schedule in words. `runAt` is the server's answer once approved (null before); until then
 * a window shows when it would open next from `now`:
 * `next window 0 2 * * SAT Europe/Berlin → Sat 5 Dec 02:00 CET`.
 */
export function describeSchedule(
  schedule: EraseSchedule,
  runAt: string | null = null,
  now: Date = new Date(),
): string {
  if (schedule.kind === 'now') return runAt ? `now → ${formatInZone(runAt)}` : 'now, as soon as approved';
  if (schedule.kind === 'at') return `at ${formatInZone(runAt ?? schedule.at)}`;
  const next = runAt ? new Date(runAt) : nextWindow(schedule, now);
  const window = `${schedule.cron} ${schedule.timeZone}`;
  return next ? `next window ${window} → ${formatInZone(next, schedule.timeZone)}` : `window ${window}`;
}

/** The zone a request's times read in: its window's zone, else the browser's. */
export function scheduleZone(schedule: EraseSchedule): string {
  return schedule.kind === 'window' ? schedule.timeZone : localTimeZone();
}

/** What was asked for, without a computed time: `window 0 2 * * SAT Europe/Berlin`. */
function scheduleSpec(schedule: EraseSchedule): string {
  if (schedule.kind === 'now') return 'now, once approved';
  if (schedule.kind === 'at') return `at ${formatInZone(schedule.at)}`;
  return `window ${schedule.cron} ${schedule.timeZone}`;
}

/**
 * When a request runs, or ran, in words that fit its state: upcoming ones as
 * `describeSchedule` puts it; due ones `due …`; completed `ran at …` (when it finished); failed
 * and cancelled `was due …`; ones that ended before approval `…; never ran`. A window request
 * keeps its window in brackets, and its times read in the window's zone.
 */
export function describeWhen(
  r: Pick<EraseRequest, 'schedule' | 'runAt' | 'state' | 'updatedAt' | 'method'>,
  now: Date = new Date(),
): string {
  const zone = scheduleZone(r.schedule);
  const window = r.schedule.kind === 'window' ? ` (window ${r.schedule.cron} ${r.schedule.timeZone})` : '';
  if (r.state === 'pending-approval') return describeSchedule(r.schedule, null, now);
  if (r.runAt === null) return `${scheduleSpec(r.schedule)}; never ran`;
  const due = formatInZone(r.runAt, zone);
  const open = r.state === 'scheduled' || r.state === 'running';
  if (open && new Date(r.runAt).getTime() > now.getTime()) return describeSchedule(r.schedule, r.runAt, now);
  // A PSID revert stays open until each drive's PSID is typed (a refused one leaves it running).
  if (open && r.method === 'sed-psid-revert')
    return `due since ${due}${window}: waiting for the PSID at the drive`;
  switch (r.state) {
    case 'scheduled':
      return `due ${due}${window}`;
    case 'running':
      return `due ${due}${window}, running`;
    case 'completed':
      return `ran at ${formatInZone(r.updatedAt, zone)}${window}`;
    default:
      return `was due ${due}${window}`;
  }
}
