// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { apiError, deferred, json, stubFetch } from '../testing/fake-fetch.ts';
import { eraseRequest } from '../testing/fixtures.ts';
import {
  buildEraseRequest,
  defaultForm,
  formProblem,
  toLocalInput,
  useEraseRequest,
  type EraseSubject,
} from './useEraseRequest.ts';

const NOW = new Date('2026-12-03T10:00:00Z');
const cartridge: EraseSubject = {
  media: 'tape',
  label: 'cartridge A00001L9',
  targets: { kind: 'cartridges', barcodes: ['A00001L9'] },
};
const range: EraseSubject = {
  media: 'tape',
  label: 'a barcode range',
  targets: { kind: 'cartridge-range', from: 'A00050L9', to: 'A00059L9' },
};
const drive: EraseSubject = {
  media: 'sed',
  label: 'Samsung S1',
  targets: { kind: 'sed-drives', serials: ['S1'] },
  ranges: [0, 1, 2],
};

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

describe('the retire form', () => {
  it('starts on the media’s first method, now, and the Saturday window in the local zone', () => {
    const form = defaultForm(drive, NOW);
    expect(form).toMatchObject({ method: 'sed-revert', range: 0, schedule: 'now', cron: '0 2 * * SAT' });
    expect(defaultForm(range, NOW)).toMatchObject({ method: 'tape-shred', from: 'A00050L9', to: 'A00059L9' });
    expect(new Date(form.at).getTime()).toBeGreaterThan(NOW.getTime());
  });

  it('offers a drive that is not enrolled only the PSID revert, and starts on it', () => {
    const lost: EraseSubject = { ...drive, methods: ['sed-psid-revert'] };
    const form = { ...defaultForm(lost, NOW), reason: 'credentials lost' };
    expect(form.method).toBe('sed-psid-revert');
    expect(formProblem(lost, form, NOW)).toBeNull();
    expect(formProblem(lost, { ...form, method: 'sed-revert' }, NOW)).toBe('Choose a method.');
    expect(buildEraseRequest(lost, form)).toMatchObject({
      method: 'sed-psid-revert',
      targets: { kind: 'sed-drives', serials: ['S1'] },
    });
    expect(
      formProblem(drive, { ...defaultForm(drive, NOW), method: 'sed-psid-revert', reason: 'lost' }, NOW),
    ).toBeNull();
  });

  it('says what keeps it from being sent', () => {
    const ok = { ...defaultForm(cartridge, NOW), reason: 'end of life' };
    expect(formProblem(cartridge, ok, NOW)).toBeNull();
    expect(formProblem(cartridge, { ...ok, reason: ' x ' }, NOW)).toMatch(/Say why/);
    expect(formProblem(cartridge, { ...ok, method: 'sed-revert' }, NOW)).toMatch(/method/);
    const past = toLocalInput(new Date(NOW.getTime() - 60_000));
    expect(formProblem(cartridge, { ...ok, schedule: 'at', at: past }, NOW)).toBe('That time has passed.');
    expect(formProblem(cartridge, { ...ok, schedule: 'window', cron: 'soon' }, NOW)).toMatch(
      /^The window "soon" does not work/,
    );
    const r = { ...defaultForm(range, NOW), reason: 'pool retired' };
    expect(formProblem(range, { ...r, from: 'A00060L9' }, NOW)).toBe('The range starts after it ends.');
    expect(formProblem(range, { ...r, to: 'nope' }, NOW)).toMatch(/two barcodes/);
  });

  it('builds the request the API takes for each schedule', () => {
    const base = { ...defaultForm(cartridge, NOW), reason: '  end of life ' };
    expect(buildEraseRequest(cartridge, base)).toEqual({
      method: 'tape-shred',
      targets: { kind: 'cartridges', barcodes: ['A00001L9'] },
      schedule: { kind: 'now' },
      reason: 'end of life',
    });
    const at = buildEraseRequest(cartridge, { ...base, schedule: 'at', at: '2026-12-06T12:00' });
    expect(at.schedule).toEqual({ kind: 'at', at: new Date('2026-12-06T12:00').toISOString() });
    const window = buildEraseRequest(cartridge, {
      ...base,
      schedule: 'window',
      cron: ' 0 2 * * SAT ',
      timeZone: 'Europe/Berlin',
    });
    expect(window.schedule).toEqual({ kind: 'window', cron: '0 2 * * SAT', timeZone: 'Europe/Berlin' });
    const rekey = buildEraseRequest(drive, {
      ...defaultForm(drive),
      method: 'sed-range-rekey',
      range: 2,
      reason: 'x',
    });
    expect(rekey).toMatchObject({ method: 'sed-range-rekey', range: 2, targets: { serials: ['S1'] } });
    expect('range' in buildEraseRequest(drive, { ...defaultForm(drive), reason: 'x' })).toBe(false);
    const edited = buildEraseRequest(range, { ...defaultForm(range), from: ' a00051l9', reason: 'x' });
    expect(edited.targets).toEqual({ kind: 'cartridge-range', from: 'A00051L9', to: 'A00059L9' });
  });
});

describe('useEraseRequest', () => {
  it('reads the erase approval policy as the dialog opens, sends the request and then shows it awaiting approval until closed', async () => {
    const answer = deferred<Response>();
    const policy = {
      action: 'erase.schedule',
      label: 'Crypto-erase at retirement',
      approvers: 2,
      expiryHours: 24,
      updatedBy: 'ada',
      updatedAt: '2026-12-01T00:00:00.000Z',
      eligibleApprovers: 3,
    };
    const calls = stubFetch((call) =>
      call.url === '/api/approval-policies' ? json(200, { policies: [policy] }) : answer.promise,
    );
    const scope = effectScope();
    const flow = scope.run(() => useEraseRequest())!;
    expect(flow.policy.value).toBeNull();
    flow.ask(cartridge);
    await vi.waitFor(() => expect(flow.policy.value).toMatchObject({ approvers: 2, expiryHours: 24 }));
    const sent = flow.submit({ ...defaultForm(cartridge), reason: 'end of life' });
    expect(flow.busy.value).toBe(true);
    flow.close(); // ignored while it runs
    answer.resolve(json(201, eraseRequest('r1')));
    await sent;
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/approval-policies',
      'POST /api/erase/requests',
    ]);
    expect(flow.created.value?.state).toBe('pending-approval');
    expect(flow.subject.value).toEqual(cartridge);
    flow.close();
    expect([flow.subject.value, flow.created.value]).toEqual([null, null]);
    scope.stop();
  });

  it('keeps the dialog open with the server’s refusal', async () => {
    stubFetch((call) =>
      call.method === 'GET'
        ? json(200, { policies: [] })
        : apiError(400, 'VALIDATION_FAILED', 'The time 2026-12-01T00:00:00Z has passed'),
    );
    const scope = effectScope();
    const flow = scope.run(() => useEraseRequest())!;
    flow.ask(cartridge);
    await flow.submit({ ...defaultForm(cartridge), reason: 'end of life' });
    expect(flow.error.value).toEqual({
      message: 'The time 2026-12-01T00:00:00Z has passed',
      requestId: 'req-1',
    });
    expect([flow.subject.value, flow.created.value]).toEqual([cartridge, null]);
    scope.stop();
    expect(flow.subject.value).toBeNull();
  });
});
