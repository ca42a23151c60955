import { computed, onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { ComputedRef, ShallowRef } from 'vue';
import type { z } from 'zod';
import type { EnrollmentPreview, EnrollmentSourceSchema } from '../../../shared/schemas/cartridges.ts';
import type { Job } from '../../../shared/schemas/jobs.ts';
import { BarcodeSchema } from '../../../shared/schemas/tape.ts';
import { isApiError } from '../api/http.ts';
import { useCartridgesStore } from '../stores/cartridges.ts';
import { isActive, isFinished, useJobsStore } from '../stores/jobs.ts';

export const TAPE_ENROLL_JOB = 'tape.enroll';
/** The server takes a CSV of at most this many characters. */
export const CSV_MAX_CHARS = 2_000_000;

export type EnrollStep = 'source' | 'preview' | 'progress';
export type EnrollSource = z.infer<typeof EnrollmentSourceSchema>;

/** What step 1 holds: the library and where the barcodes come from. */
export interface EnrollDraft {
  librarySerial: string;
  kind: EnrollSource['kind'];
  from: string;
  to: string;
  csv: string;
  /** The uploaded file's name, for the form. */
  fileName: string;
}

/** A refusal as the server put it; `details` lists bad CSV lines (`line 3`) or barcodes. */
export interface EnrollError {
  code: string;
  message: string;
  details: readonly { path: string; message: string }[];
  requestId: string | undefined;
}

const emptyDraft = (librarySerial: string): EnrollDraft => ({
  librarySerial,
  kind: 'inventory',
  from: '',
  to: '',
  csv: '',
  fileName: '',
});

function barcodeProblem(label: string, value: string): string | null {
  if (!value) return `${label}: enter a barcode`;
  const parsed = BarcodeSchema.safeParse(value);
  return parsed.success ? null : `${label}: ${parsed.error.issues[0]?.message ?? 'not a barcode'}`;
}

/** The source step 1 describes, or why it cannot be sent yet. */
export function sourceOf(d: EnrollDraft): { source: EnrollSource } | { problem: string } {
  if (!d.librarySerial) return { problem: 'Choose a library' };
  if (d.kind === 'inventory') return { source: { kind: 'inventory' } };
  if (d.kind === 'range') {
    const problem = barcodeProblem('From', d.from) ?? barcodeProblem('To', d.to);
    return problem ? { problem } : { source: { kind: 'range', from: d.from, to: d.to } };
  }
  if (!d.csv.trim()) return { problem: 'Choose a CSV file of barcodes' };
  if (d.csv.length > CSV_MAX_CHARS) return { problem: 'The file is larger than 2,000,000 characters' };
  return { source: { kind: 'csv', csv: d.csv } };
}

export function toEnrollError(err: unknown): EnrollError {
  if (isApiError(err))
    return {
      code: err.code,
      message: err.message,
      details: err.details.map((d) => ({ path: d.path ?? '', message: d.message })),
      requestId: err.requestId,
    };
  return {
    code: 'ERROR',
    message: err instanceof Error ? err.message : String(err),
    details: [],
    requestId: undefined,
  };
}

/** A file's text (CSV uploads), read in the browser: nothing is sent until the preview. */
export function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsText(file);
  });
}

export interface UseEnrollmentWizardOptions {
  /** The library the wizard starts with (the page's). @default null */
  library?: MaybeRefOrGetter<string | null>;
  /** Called once when the followed job ends. @default undefined */
  onFinished?: (job: Job) => void;
}

export interface UseEnrollmentWizardReturn {
  step: ShallowRef<EnrollStep>;
  draft: ShallowRef<EnrollDraft>;
  /** Why the draft cannot be previewed yet, or null. */
  problem: ComputedRef<string | null>;
  busy: ShallowRef<boolean>;
  /** The server's refusal of the preview or the start (bad lines listed in `details`). */
  error: ShallowRef<EnrollError | null>;
  preview: ShallowRef<EnrollmentPreview | null>;
  /** Set when the server found nothing left to enroll at start. */
  nothingToDo: ShallowRef<boolean>;
  /** An enrollment of this library already running (after a 409), which the wizard can follow. */
  runningJobId: ShallowRef<string | null>;
  job: ComputedRef<Job | null>;
  update: (patch: Partial<EnrollDraft>) => void;
  readCsv: (file: File) => Promise<void>;
  check: () => Promise<void>;
  start: () => Promise<void>;
  back: () => void;
  follow: (jobId: string) => void;
  cancelJob: () => Promise<void>;
  reset: () => void;
}

/**
 * The bulk-enrollment wizard: source (library inventory, a barcode range or a CSV file) →
 * preview (counts per pool, or the server's list of bad lines) → a durable job followed live
 * through the jobs store until it ends. Nothing is enrolled before `start`.
 */
export function useEnrollmentWizard(options: UseEnrollmentWizardOptions = {}): UseEnrollmentWizardReturn {
  const cartridges = useCartridgesStore();
  const jobs = useJobsStore();
  const step = shallowRef<EnrollStep>('source');
  const draft = shallowRef<EnrollDraft>(emptyDraft(toValue(options.library) ?? ''));
  const busy = shallowRef(false);
  const error = shallowRef<EnrollError | null>(null);
  const preview = shallowRef<EnrollmentPreview | null>(null);
  const nothingToDo = shallowRef(false);
  const runningJobId = shallowRef<string | null>(null);
  const jobId = shallowRef<string | null>(null);
  let disposed = false;

  const job = computed(() => jobs.jobs.find((j) => j.id === jobId.value) ?? null);
  const problem = computed(() => {
    const out = sourceOf(draft.value);
    return 'problem' in out ? out.problem : null;
  });

  watch(
    () => toValue(options.library) ?? '',
    (serial) => {
      if (!draft.value.librarySerial && serial) draft.value = { ...draft.value, librarySerial: serial };
    },
  );
  watch(
    () => job.value && isFinished(job.value.state),
    (finished) => {
      if (finished && job.value) options.onFinished?.(job.value);
    },
  );

  function update(patch: Partial<EnrollDraft>): void {
    draft.value = { ...draft.value, ...patch };
  }

  async function readCsv(file: File): Promise<void> {
    try {
      const csv = await readText(file);
      if (!disposed) update({ csv, fileName: file.name });
    } catch (err) {
      if (!disposed) error.value = toEnrollError(err);
    }
  }

  async function send(isPreview: boolean): Promise<Awaited<ReturnType<typeof cartridges.enroll>> | null> {
    const out = sourceOf(draft.value);
    if ('problem' in out || busy.value) return null;
    busy.value = true;
    error.value = null;
    runningJobId.value = null;
    try {
      return await cartridges.enroll({
        librarySerial: draft.value.librarySerial,
        source: out.source,
        preview: isPreview,
      });
    } catch (err) {
      if (disposed) return null;
      error.value = toEnrollError(err);
      if (isApiError(err, 'TAPE_ENROLLMENT_RUNNING')) await findRunning();
      return null;
    } finally {
      busy.value = false;
    }
  }

  async function findRunning(): Promise<void> {
    await jobs.load({ kind: TAPE_ENROLL_JOB, limit: 20 });
    const running = jobs.jobs.find(
      (j) =>
        j.kind === TAPE_ENROLL_JOB &&
        isActive(j.state) &&
        j.params.librarySerial === draft.value.librarySerial,
    );
    runningJobId.value = running?.id ?? null;
  }

  async function check(): Promise<void> {
    preview.value = null;
    nothingToDo.value = false;
    const answer = await send(true);
    if (disposed) return;
    if (answer) preview.value = answer.preview;
    if (answer || error.value) step.value = 'preview';
  }

  async function start(): Promise<void> {
    const answer = await send(false);
    if (!answer || disposed) return;
    preview.value = answer.preview;
    if (answer.job) follow(answer.job.id);
    else nothingToDo.value = true;
  }

  function follow(id: string): void {
    jobId.value = id;
    error.value = null;
    runningJobId.value = null;
    step.value = 'progress';
    if (!jobs.jobs.some((j) => j.id === id)) void jobs.refresh(id);
  }

  async function cancelJob(): Promise<void> {
    if (!jobId.value) return;
    try {
      await jobs.cancel(jobId.value);
    } catch (err) {
      if (!disposed) error.value = toEnrollError(err);
    }
  }

  function back(): void {
    step.value = 'source';
    error.value = null;
    preview.value = null;
    nothingToDo.value = false;
  }

  function reset(): void {
    back();
    draft.value = emptyDraft(draft.value.librarySerial || (toValue(options.library) ?? ''));
    jobId.value = null;
    runningJobId.value = null;
  }

  onScopeDispose(() => (disposed = true));

  return {
    step,
    draft,
    problem,
    busy,
    error,
    preview,
    nothingToDo,
    runningJobId,
    job,
    update,
    readCsv,
    check,
    start,
    back,
    follow,
    cancelJob,
    reset,
  };
}
