// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubFetch, type FetchCall, type FetchHandler } from '../testing/fake-fetch.ts';
import { approval, auditEvent, sedDrive } from '../testing/fixtures.ts';
import { useApprovalsStore } from './approvals.ts';
import {
  BREAK_GLASS_ACTION,
  breakGlassFor,
  HISTORY_PAGE_SIZE,
  HISTORY_PAGES_PER_SCAN,
  useDriveDetailStore,
} from './drive-detail.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

const drive = sedDrive('d1', { serial: 'S6PUNX0R123456', state: 'enrolled', hasCredentials: true });
const TARGET = 'sed:S6PUNX0R123456';

/** An audit trail of `newest` records, every `every`-th about the drive; answers `audit.list` pages. */
function trail(newest: number, every: number): (call: FetchCall) => Response {
  return (call) => {
    const url = new URL(call.url, 'http://x');
    const limit = Number(url.searchParams.get('limit'));
    const before = Number(url.searchParams.get('beforeSeq') ?? newest + 1);
    const events = [];
    for (let seq = before - 1; seq >= 1 && events.length < limit; seq--)
      events.push(auditEvent(seq, { target: seq % every === 0 ? TARGET : 'sed:OTHER' }));
    const last = events[events.length - 1]?.seq ?? 1;
    return json(200, { events, nextBeforeSeq: last > 1 ? last : null });
  };
}

async function opened(extra: FetchHandler = () => json(500, {})) {
  handler = (call) => (call.url === '/api/sed-drives/d1' ? json(200, drive) : extra(call));
  const detail = useDriveDetailStore();
  await detail.open('d1');
  return detail;
}

describe('drive detail store', () => {
  it('reads one drive and says when it does not exist', async () => {
    const detail = await opened();
    expect(detail.drive?.serial).toBe('S6PUNX0R123456');
    handler = () => apiError(404, 'DEVICE_NOT_FOUND', 'No such drive');
    await detail.open('gone');
    expect(detail.drive).toBeNull();
    expect(detail.notFound).toBe(true);
    expect(detail.error).toBe('No such drive');
  });

  it('takes live updates for its drive only', async () => {
    const detail = await opened();
    detail.applyUpdate({ id: 'sed:d2', kind: 'sed', drive: sedDrive('d2', { locked: true }) });
    expect(detail.drive?.locked).toBe(false);
    detail.applyUpdate({ id: 'sed:d1', kind: 'sed', drive: { ...drive, locked: true } });
    expect(detail.drive?.locked).toBe(true);
  });

  it('has the server read the ranges and shows the drive it answers with', async () => {
    const read = {
      ...drive,
      locked: true,
      rangesReadAt: '2026-01-02T00:00:00.000Z',
      ranges: [{ ...drive.ranges[0]!, readLockEnabled: true, writeLockEnabled: true, readLocked: true }],
    };
    const detail = await opened(() => json(200, read));
    const pending = detail.readRanges();
    expect(detail.rangesBusy).toBe(true);
    await detail.readRanges(); // a second click while reading asks nothing more
    await pending;
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      expect.objectContaining({ url: '/api/sed-drives/d1/ranges/refresh' }),
    ]);
    expect(detail.drive).toMatchObject({ locked: true, rangesReadAt: read.rangesReadAt });
    expect(detail.rangesBusy).toBe(false);
    expect(detail.rangesError).toBeNull();
  });

  it('keeps a refused range read as a message, not a rejection, and forgets it on another drive', async () => {
    const detail = await opened(() =>
      apiError(502, 'SED_AUTH_FAILED', 'read locking ranges: NOT_AUTHORIZED'),
    );
    await detail.readRanges();
    expect(detail.rangesError).toBe('read locking ranges: NOT_AUTHORIZED');
    expect(detail.drive?.ranges).toEqual(drive.ranges);
    handler = () => json(200, sedDrive('d2'));
    await detail.open('d2');
    expect(detail.rangesError).toBeNull();
  });

  it('finds the drive’s history by reading the trail backwards a few pages at a time', async () => {
    const detail = await opened(trail(5_000, 100));
    await detail.scanHistory();
    const audits = calls.filter((c) => c.url.startsWith('/api/audit'));
    expect(audits.map((c) => c.url)).toEqual([
      `/api/audit?limit=${HISTORY_PAGE_SIZE}`,
      `/api/audit?limit=${HISTORY_PAGE_SIZE}&beforeSeq=4501`,
      `/api/audit?limit=${HISTORY_PAGE_SIZE}&beforeSeq=4001`,
      `/api/audit?limit=${HISTORY_PAGE_SIZE}&beforeSeq=3501`,
    ]);
    expect(audits).toHaveLength(HISTORY_PAGES_PER_SCAN);
    expect(detail.history.map((e) => e.seq).slice(0, 3)).toEqual([5000, 4900, 4800]);
    expect(detail.history.every((e) => e.target === TARGET)).toBe(true);
    expect(detail.historyScanned).toBe(2_000);
    expect(detail.historyCursor).toBe(3001);

    await detail.scanHistory();
    await detail.scanHistory();
    expect(detail.history).toHaveLength(50);
    expect(detail.historyCursor).toBeNull();
    const before = calls.length;
    await detail.scanHistory();
    expect(calls).toHaveLength(before);
  });

  it('stops a scan early once enough records are found', async () => {
    const detail = await opened(trail(5_000, 2));
    await detail.scanHistory();
    expect(calls.filter((c) => c.url.startsWith('/api/audit'))).toHaveLength(1);
    expect(detail.history).toHaveLength(250);
  });

  it('adds live and newer records about the drive, and nothing else', async () => {
    let newest = 1_000;
    const detail = await opened((call) => trail(newest, 100)(call));
    await detail.scanHistory();
    expect(detail.history[0]?.seq).toBe(1000);
    detail.appendHistory(auditEvent(1001, { target: 'sed:OTHER' }));
    detail.appendHistory(auditEvent(1002, { target: TARGET, action: 'sed.lock' }));
    expect(detail.history[0]?.seq).toBe(1002);
    newest = 1_300;
    await detail.refreshHistory();
    expect(detail.history.slice(0, 4).map((e) => e.seq)).toEqual([1300, 1200, 1100, 1002]);
  });

  it('cannot read history without audit access, and says why', async () => {
    const detail = await opened(() =>
      apiError(403, 'AUTH_FORBIDDEN', 'Your role may not read the audit trail'),
    );
    await detail.scanHistory();
    expect(detail.historyError).toBe('Your role may not read the audit trail');
    expect(detail.historyLoading).toBe(false);
  });
});

describe('break-glass', () => {
  const pending = approval('a1', {
    action: BREAK_GLASS_ACTION,
    target: TARGET,
    params: { driveId: 'd1', serial: 'S6PUNX0R123456' },
    requestedBy: 'olga',
    reason: 'console down',
  });
  const reveal = {
    serial: 'S6PUNX0R123456',
    model: 'Samsung SSD 870 EVO 1TB',
    host: 'lab-host-1',
    devicePath: '/dev/sda',
    admin1Password: 'correct-horse-PLANTED-secret',
    unlockCommand: "sedutil-cli --setLockingRange 0 RW 'correct-horse-PLANTED-secret' /dev/sda",
    expiresNote: 'Shown once.',
  };

  it('requests with a reason, and shows the pending approval', async () => {
    const detail = await opened(() => json(202, pending));
    await detail.requestBreakGlass('d1', 'console down');
    expect(calls[1]).toMatchObject({
      method: 'POST',
      url: '/api/sed-drives/d1/break-glass',
      body: { reason: 'console down' },
    });
    expect(detail.grantFor('d1', 'olga')?.state).toBe('pending');
    expect(detail.grantFor('d1', 'someone-else')).toBeNull();
    expect(useApprovalsStore().pending.map((a) => a.id)).toEqual(['a1']);
  });

  it('follows the decision when the approvals list is readable', async () => {
    const detail = await opened(() => json(202, pending));
    await detail.requestBreakGlass('d1', 'console down');
    useApprovalsStore().track({
      ...pending,
      state: 'executed',
      decidedBy: 'sam',
      executedAt: '2026-01-01T00:05:00Z',
    });
    expect(detail.grantFor('d1', 'olga')).toMatchObject({ state: 'executed', decidedBy: 'sam' });
  });

  it('reveals once, marks the grant used and keeps no password', async () => {
    const executed = { ...pending, state: 'executed' as const, executedAt: '2026-01-01T00:05:00Z' };
    const detail = await opened(() => json(200, reveal));
    useApprovalsStore().track(executed);
    const answer = await detail.reveal('d1', executed);
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/sed-drives/d1/break-glass/a1/reveal' });
    expect(answer.admin1Password).toBe('correct-horse-PLANTED-secret');
    expect(detail.grantFor('d1', 'olga')?.consumedAt).not.toBeNull();
    const kept = JSON.stringify([detail.$state, detail.grantFor('d1', 'olga'), useApprovalsStore().$state]);
    expect(kept).not.toContain('PLANTED');
  });

  it('passes a refused reveal on with the server’s message', async () => {
    const detail = await opened(() =>
      apiError(409, 'APPROVAL_NOT_PENDING', 'The request is pending, not approved'),
    );
    await expect(detail.reveal('d1', pending)).rejects.toMatchObject({
      code: 'APPROVAL_NOT_PENDING',
      message: 'The request is pending, not approved',
    });
    expect(detail.grantFor('d1', 'olga')).toBeNull();
  });

  it('picks the newest request of the user for the drive', () => {
    const list = [
      approval('old', { ...pending, id: 'old', requestedAt: '2026-01-01T00:00:00Z' }),
      approval('new', { ...pending, id: 'new', requestedAt: '2026-01-02T00:00:00Z' }),
      approval('other-drive', {
        ...pending,
        id: 'x',
        params: { driveId: 'd2' },
        requestedAt: '2026-01-03T00:00:00Z',
      }),
      approval('kek', { requestedBy: 'olga', requestedAt: '2026-01-04T00:00:00Z' }),
    ];
    expect(breakGlassFor(list, 'd1', 'olga')?.id).toBe('new');
    expect(breakGlassFor(list, 'd1', 'sam')).toBeNull();
  });
});
