// Formatting for tables and facts. Pure functions: no store, no locale state beyond Intl's default.
const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

const pad = (n: number): string => String(n).padStart(2, '0');

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date for tables: `23 Nov 2026`; a dash for null. */
export function formatDate(iso: string | null): string {
  if (iso === null) return '—';
  const date = parse(iso);
  return date ? dateFormat.format(date) : iso;
}

/** Local time as `2026-11-23 07:12`: sortable and unambiguous in every locale; a dash for null. */
export function formatDateTime(iso: string | null): string {
  if (iso === null) return '—';
  const d = parse(iso);
  if (!d) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Local (or `timeZone`) time with the zone's abbreviation, `2026-11-23 07:12 CET`: for times that
 * sit next to a schedule, which always names its zone. A dash for null.
 */
export function formatDateTimeZone(iso: string | null, timeZone?: string): string {
  if (iso === null) return '—';
  const d = parse(iso);
  if (!d) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    ...(timeZone && { timeZone }),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

/** A span of milliseconds as `45 s`, `12 min`, `5 h`, `3 d`, `2 y`. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  const d = Math.floor(h / 24);
  return d < 730 ? `${d} d` : `${Math.floor(d / 365)} y`;
}

/** How long ago `iso` was, as a span (`3 d`); a dash for null. */
export function formatAge(iso: string | null, now: number = Date.now()): string {
  if (iso === null) return '—';
  const date = parse(iso);
  return date ? formatSpan(now - date.getTime()) : '—';
}

/**
 * A time in a row that already shows its date: `07:31:54` when on the same local day as
 * `reference`, otherwise the full `2026-11-24 07:31`; a dash for null.
 */
export function formatTimeSameDay(iso: string | null, reference: string): string {
  if (iso === null) return '—';
  const d = parse(iso);
  const ref = parse(reference);
  if (!d) return iso;
  if (!ref || d.toDateString() !== ref.toDateString()) return formatDateTime(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
