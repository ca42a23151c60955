// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { apiError, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { job, sedDrive } from '../testing/fixtures.ts';
import { useDriveActions, type DriveActionResult } from './useDriveActions.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

function setup() {
  const onDone = vi.fn<(result: DriveActionResult) => void>();
  const scope = effectScope();
  const actions = scope.run(() => useDriveActions({ onDone }))!;
  return { scope, actions, onDone };
}

const enrolled = (id: string) => sedDrive(id, { state: 'enrolled', hasCredentials: true });

describe('useDriveActions', () => {
  it('asks about the drives the action applies to and names the ones it skips', () => {
    const { actions } = setup();
    actions.ask('lock', [enrolled('a'), sedDrive('b'), enrolled('c')]);
    expect(actions.subject.value?.drives.map((d) => d.id)).toEqual(['a', 'c']);
    expect(actions.subject.value?.skipped.map((d) => d.id)).toEqual(['b']);
    expect(calls).toEqual([]);
  });

  it('keeps the dialog open with the server’s code and message when one drive is refused', async () => {
    handler = () =>
      apiError(409, 'SED_AUTH_FAILED', 'S6PUA refused the escrowed Admin1 credential (tries left: 4)');
    const { actions, onDone } = setup();
    actions.ask('unlock', [enrolled('a')]);
    await actions.confirm();
    expect(actions.subject.value?.drives[0]?.id).toBe('a');
    expect(actions.error.value).toEqual({
      message: 'SED_AUTH_FAILED: S6PUA refused the escrowed Admin1 credential (tries left: 4)',
      requestId: 'req-1',
    });
    expect(onDone).not.toHaveBeenCalled();
  });

  it('closes after a selection and lists each drive’s outcome', async () => {
    handler = (call) =>
      call.url.includes('/b/')
        ? apiError(422, 'SED_NOT_SUPPORTED', 'Enterprise SSC drives cannot be managed')
        : json(202, job(`j-${call.url.split('/')[3]}`, { kind: 'sed.enroll' }));
    const { actions, onDone } = setup();
    actions.ask('enroll', [sedDrive('a'), sedDrive('b')]);
    await actions.confirm();
    expect(actions.subject.value).toBeNull();
    const result = actions.result.value!;
    expect(result.outcomes.map((o) => (o.ok ? `ok ${o.job?.id}` : o.code))).toEqual([
      'ok j-a',
      'SED_NOT_SUPPORTED',
    ]);
    expect(onDone).toHaveBeenCalledWith(result);
    actions.dismissResult();
    expect(actions.result.value).toBeNull();
  });
});
