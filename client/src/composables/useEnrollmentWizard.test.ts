// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick } from 'vue';
import type { Job } from '../../../shared/schemas/jobs.ts';
import { useJobsStore } from '../stores/jobs.ts';
import { json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { job } from '../testing/fixtures.ts';
import { readText, sourceOf, useEnrollmentWizard } from './useEnrollmentWizard.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

function setup() {
  const onFinished = vi.fn<(job: Job) => void>();
  const scope = effectScope();
  const wizard = scope.run(() => useEnrollmentWizard({ library: () => 'L1', onFinished }))!;
  return { scope, wizard, onFinished };
}

const preview = { total: 100, alreadyEnrolled: 0, toEnroll: 100, skipped: 0, byPool: [] };
const enrolling = job('j1', {
  kind: 'tape.enroll',
  state: 'queued',
  total: 100,
  params: { librarySerial: 'L1' },
});

describe('sourceOf', () => {
  const draft = { librarySerial: 'L1', kind: 'range' as const, from: '', to: '', csv: '', fileName: '' };
  it('says what is missing before anything is sent', () => {
    expect(sourceOf({ ...draft, librarySerial: '' })).toEqual({ problem: 'Choose a library' });
    expect(sourceOf(draft)).toEqual({ problem: 'From: enter a barcode' });
    expect(sourceOf({ ...draft, from: 'A00001L9', to: 'a1' })).toMatchObject({
      problem: /^To: a barcode is/,
    });
    expect(sourceOf({ ...draft, kind: 'csv' })).toEqual({ problem: 'Choose a CSV file of barcodes' });
    expect(sourceOf({ ...draft, from: 'A00001L9', to: 'A00100L9' })).toEqual({
      source: { kind: 'range', from: 'A00001L9', to: 'A00100L9' },
    });
  });
});

describe('useEnrollmentWizard', () => {
  it('previews a range, starts it, and follows the job to its end', async () => {
    handler = (call) =>
      (call.body as { preview: boolean }).preview
        ? json(200, { preview, job: null })
        : json(202, { preview, job: enrolling });
    const { wizard, onFinished } = setup();
    wizard.update({ kind: 'range', from: 'A00001L9', to: 'A00100L9' });
    await wizard.check();
    expect(calls[0]?.body).toEqual({
      librarySerial: 'L1',
      source: { kind: 'range', from: 'A00001L9', to: 'A00100L9' },
      preview: true,
    });
    expect([wizard.step.value, wizard.preview.value?.toEnroll]).toEqual(['preview', 100]);
    await wizard.start();
    expect(wizard.step.value).toBe('progress');
    expect(wizard.job.value?.id).toBe('j1');
    const jobs = useJobsStore();
    jobs.applyProgress({ id: 'j1', done: 40, total: 100, failedItems: 1, state: 'running' });
    expect(wizard.job.value).toMatchObject({ done: 40, failedItems: 1 });
    handler = () => json(200, { ...enrolling, state: 'succeeded', done: 100 });
    jobs.applyProgress({ id: 'j1', done: 100, total: 100, state: 'succeeded' });
    await nextTick();
    expect(onFinished).toHaveBeenCalledTimes(1);
  });

  it('lists the bad lines of a CSV on the preview step, and starts nothing', async () => {
    handler = () =>
      json(400, {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The CSV has 1 bad line(s); nothing was enrolled',
          details: [{ path: 'line 3', message: 'not-a-barcode: a barcode is 6 letters or digits' }],
        },
      });
    const { wizard } = setup();
    await wizard.readCsv(new File(['barcode\nA00100L9\nnot-a-barcode\n'], 'tapes.csv', { type: 'text/csv' }));
    expect(wizard.draft.value).toMatchObject({
      fileName: 'tapes.csv',
      csv: 'barcode\nA00100L9\nnot-a-barcode\n',
    });
    wizard.update({ kind: 'csv' });
    await wizard.check();
    expect(wizard.step.value).toBe('preview');
    expect(wizard.preview.value).toBeNull();
    expect(wizard.error.value?.details).toEqual([
      { path: 'line 3', message: 'not-a-barcode: a barcode is 6 letters or digits' },
    ]);
    expect(calls).toHaveLength(1);
  });

  it('says so when nothing is left to enroll at start', async () => {
    handler = () => json(200, { preview: { ...preview, alreadyEnrolled: 100, toEnroll: 0 }, job: null });
    const { wizard } = setup();
    await wizard.start();
    expect([wizard.step.value, wizard.nothingToDo.value]).toEqual(['source', true]);
  });

  it('offers the running enrollment of the library when the server refuses a second one', async () => {
    handler = (call) =>
      call.url.startsWith('/api/jobs')
        ? json(200, { jobs: [{ ...enrolling, state: 'running' }] })
        : json(409, {
            error: {
              code: 'TAPE_ENROLLMENT_RUNNING',
              message: 'An enrollment for library L1 is already running',
            },
          });
    const { wizard } = setup();
    await wizard.check();
    await wizard.start();
    expect(wizard.error.value?.code).toBe('TAPE_ENROLLMENT_RUNNING');
    expect(wizard.runningJobId.value).toBe('j1');
    wizard.follow('j1');
    expect([wizard.step.value, wizard.job.value?.state]).toEqual(['progress', 'running']);
  });

  it('cancels the job it follows', async () => {
    handler = (call) =>
      call.url === '/api/jobs/j1/cancel'
        ? json(200, { ...enrolling, state: 'cancelled' })
        : json(202, { preview, job: enrolling });
    const { wizard } = setup();
    await wizard.start();
    await wizard.cancelJob();
    expect(calls.at(-1)).toMatchObject({ method: 'POST', url: '/api/jobs/j1/cancel' });
    expect(wizard.job.value?.state).toBe('cancelled');
  });
});

describe('readText', () => {
  it('reads an uploaded file as text in the browser', async () => {
    expect(await readText(new Blob(['A00001L9\r\nA00002L9\n']))).toBe('A00001L9\r\nA00002L9\n');
  });
});
