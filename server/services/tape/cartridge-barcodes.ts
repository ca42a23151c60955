import { parseBarcode } from '../../drivers/tape/lto-media.ts';
import { AppError } from '../../domain/errors.ts';

/**
 * Barcodes, ranges, pool selectors and CSV uploads, as pure functions: every bad input is
 * refused here with a message that names the barcode or line, before anything is written.
 */

/** Most cartridges one request may name (a range, a CSV): a large delivery, not a typo. */
export const MAX_BARCODES_PER_REQUEST = 100_000;

const LABEL = /^[A-Z0-9]{6}[A-Z0-9]{2}$/;

/** An enrollable cartridge label: 8 characters, a known data or WORM media id, not cleaning. */
export function checkEnrollable(raw: string): string {
  const label = raw.trim().toUpperCase();
  if (!LABEL.test(label))
    throw invalid(`"${raw}" is not a cartridge barcode (6-character VOLSER + media id, e.g. A00001L9)`);
  const info = parseBarcode(label);
  if (info.kind === 'cleaning') throw invalid(`${label} is a cleaning cartridge: it holds no data`);
  if (info.kind === 'diagnostic') throw invalid(`${label} is a diagnostic cartridge: it holds no data`);
  if (info.kind === 'unknown') throw invalid(`${label} has an unknown media id "${info.mediaId}"`);
  return label;
}

/** A known data or WORM media id (L5…L9, LA, LV…LZ …). */
export function checkMediaId(mediaId: string): string {
  const id = mediaId.toUpperCase();
  const kind = parseBarcode(`AAAAAA${id}`).kind;
  if (kind !== 'data' && kind !== 'worm') throw invalid(`unknown media id "${mediaId}"`);
  return id;
}

/** What a pool covers: inclusive VOLSER bounds and an optional media id. */
export interface PoolSelector {
  volserFrom: string;
  volserTo: string;
  mediaId: string | null;
}

export type PoolSelectorInput =
  | { kind: 'range'; from: string; to: string }
  | { kind: 'prefix'; prefix: string; mediaId?: string | undefined }
  | { kind: 'media'; mediaId: string };

const VOLSER_CHARS = /^[A-Z0-9]*$/;

export function selectorOf(input: PoolSelectorInput): PoolSelector {
  if (input.kind === 'range') {
    const from = checkEnrollable(input.from);
    const to = checkEnrollable(input.to);
    if (from.slice(6) !== to.slice(6))
      throw invalid(`a range must have one media id: ${from} and ${to} differ`);
    if (from > to) throw invalid(`the range starts after it ends (${from} > ${to})`);
    const sel = { volserFrom: from.slice(0, 6), volserTo: to.slice(0, 6), mediaId: from.slice(6) };
    refuseCleaningSpace(sel);
    return sel;
  }
  if (input.kind === 'prefix') {
    const prefix = input.prefix.toUpperCase();
    if (prefix.length < 1 || prefix.length > 5 || !VOLSER_CHARS.test(prefix))
      throw invalid(`a prefix is 1 to 5 letters or digits ("${input.prefix}")`);
    const sel = {
      volserFrom: prefix.padEnd(6, '0'),
      volserTo: prefix.padEnd(6, 'Z'),
      mediaId: input.mediaId ? checkMediaId(input.mediaId) : null,
    };
    refuseCleaningSpace(sel);
    return sel;
  }
  return { volserFrom: '000000', volserTo: 'ZZZZZZ', mediaId: checkMediaId(input.mediaId) };
}

/** Pools never name the cleaning-cartridge space explicitly (a broad media pool skips it instead). */
function refuseCleaningSpace(sel: PoolSelector): void {
  if (sel.volserFrom.startsWith('CLN') || sel.volserTo.startsWith('CLN'))
    throw invalid('CLN… barcodes are cleaning cartridges and cannot form a pool');
}

export function selectorsOverlap(a: PoolSelector, b: PoolSelector): boolean {
  const media = a.mediaId === null || b.mediaId === null || a.mediaId === b.mediaId;
  return media && a.volserFrom <= b.volserTo && b.volserFrom <= a.volserTo;
}

export function selectorCovers(sel: PoolSelector, barcode: string): boolean {
  const volser = barcode.slice(0, 6);
  return (
    volser >= sel.volserFrom &&
    volser <= sel.volserTo &&
    (sel.mediaId === null || barcode.slice(6) === sel.mediaId) &&
    !volser.startsWith('CLN')
  );
}

/**
 * The barcodes from `from` to `to` (same media id): the VOLSERs share a prefix and end in a
 * number, as cartridge labels are printed (`A00000L9`–`A00999L9`).
 */
export function expandRange(fromRaw: string, toRaw: string): string[] {
  const from = checkEnrollable(fromRaw);
  const to = checkEnrollable(toRaw);
  if (from.slice(6) !== to.slice(6))
    throw invalid(`a range must have one media id: ${from} and ${to} differ`);
  const a = from.slice(0, 6);
  const b = to.slice(0, 6);
  let common = 0;
  while (common < 6 && a[common] === b[common]) common++;
  // Extend the numeric tail leftwards so that A00009–A00010 counts 9, 10.
  while (common > 0 && /\d/.test(a[common - 1] as string)) common--;
  const tailA = a.slice(common);
  const tailB = b.slice(common);
  if (!/^\d*$/.test(tailA) || !/^\d*$/.test(tailB))
    throw invalid(`${from}–${to}: the VOLSERs must differ only in their trailing digits`);
  const first = Number(tailA || '0');
  const last = Number(tailB || '0');
  if (first > last) throw invalid(`the range starts after it ends (${from} > ${to})`);
  const count = last - first + 1;
  if (count > MAX_BARCODES_PER_REQUEST)
    throw invalid(`${count} cartridges in one range; the limit is ${MAX_BARCODES_PER_REQUEST}`);
  const prefix = a.slice(0, common);
  const width = 6 - common;
  const media = from.slice(6);
  return Array.from(
    { length: count },
    (_, i) => `${prefix}${String(first + i).padStart(width, '0')}${media}`,
  );
}

/**
 * A CSV of barcodes: one per line, first column; an optional header whose first cell is
 * `barcode`; blank lines and `#` comments ignored. Every bad line and every duplicate is
 * reported (up to 20), and nothing is accepted unless the whole file is clean.
 */
export function parseBarcodeCsv(text: string): string[] {
  const problems: { path: string; message: string }[] = [];
  const seen = new Map<string, number>();
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const cell = (line.split(/[,;\t]/)[0] ?? '').trim().replace(/^"(.*)"$/, '$1');
    if (cell === '' || cell.startsWith('#')) return;
    if (i === 0 && cell.toLowerCase() === 'barcode') return;
    const lineNo = i + 1;
    try {
      const label = checkEnrollable(cell);
      const first = seen.get(label);
      if (first !== undefined) {
        problems.push({ path: `line ${lineNo}`, message: `${label} repeats line ${first}` });
        return;
      }
      seen.set(label, lineNo);
      out.push(label);
    } catch (err) {
      problems.push({ path: `line ${lineNo}`, message: (err as Error).message });
    }
  });
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `The CSV has ${problems.length} bad line(s); nothing was enrolled`,
      {
        details: problems.slice(0, 20),
      },
    );
  }
  if (out.length === 0) throw invalid('the CSV holds no barcodes');
  if (out.length > MAX_BARCODES_PER_REQUEST)
    throw invalid(`${out.length} barcodes; the limit is ${MAX_BARCODES_PER_REQUEST} per upload`);
  return out;
}

/** Duplicates in a list (a request naming one cartridge twice is a mistake worth stopping). */
export function refuseDuplicates(barcodes: string[]): void {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const b of barcodes) (seen.has(b) ? dups : seen).add(b);
  if (dups.size > 0) throw invalid(`duplicate barcodes: ${[...dups].slice(0, 10).join(', ')}`);
}

function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message);
}
