import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { MemoryHsm } from '../helpers/memory-hsm.ts';
import { MemorySed } from '../helpers/memory-sed.ts';
import { createTempPgDatabase, pgTestUrl } from '../helpers/pg-url.ts';

/**
 * Issue 7: scheduled work "fires once, also when several console instances share PostgreSQL".
 * Two consoles (two app instances, each with its own store connection pool and job runner) on
 * one PostgreSQL database, one HSM and one set of drives, and a clock the test moves. Three Opal
 * revert requests are scheduled in the same maintenance window and approved; nothing runs
 * before the window; once the clock passes it, both runners poll for the same due jobs, and
 * every drive is reverted exactly once, with one certificate and one `erase.item` record each.
 */
const hasPg = pgTestUrl() !== undefined;

let now = new Date('2026-12-03T10:00:00Z'); // a Thursday
const clock = { now: () => now };
const WINDOW = '2026-12-05T02:00:00.000Z'; // the next Saturday 02:00 UTC
const REQUESTS = [
  ['S4EVNX0R300001', 'S4EVNX0R300002'],
  ['S4EVNX0R300003', 'S4EVNX0R300004'],
  ['S4EVNX0R300005', 'S4EVNX0R300006'],
];
const SERIALS = REQUESTS.flat();

let db: Awaited<ReturnType<typeof createTempPgDatabase>> | undefined;
let a: TestApp | undefined;
let b: TestApp | undefined;
let sed: SlowRevertSed;
type Login = Awaited<ReturnType<TestApp['login']>>;

function post(who: Login, path: string, body: unknown = {}) {
  return who.agent
    .post(path)
    .set('X-CSRF-Token', who.csrf)
    .send(body as object);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The drives, with a revert that takes a while (as a real one does): three due jobs then keep a
 * runner (two jobs at a time) busy long enough that the other instance must claim one, so both
 * runners really compete for the same rows.
 */
class SlowRevertSed extends MemorySed {
  override async revertTper(...args: Parameters<MemorySed['revertTper']>): Promise<void> {
    await sleep(200);
    return super.revertTper(...args);
  }
}

describe.skipIf(!hasPg)(
  `scheduled erase on two console instances [postgres]${hasPg ? '' : ' (skipped: LOCKWARDEN_TEST_PG_URL unset; npm test sets it)'}`,
  () => {
    beforeAll(async () => {
      db = await createTempPgDatabase();
      const hsm = new MemoryHsm();
      sed = new SlowRevertSed();
      SERIALS.forEach((serial, i) => sed.addDrive(`/dev/sd${String.fromCharCode(97 + i)}`, serial));
      // One after the other: the first runs the migrations and creates the admin and the keys.
      a = await buildTestApp({ databaseUrl: db.url, clock, hsm, sed });
      b = await buildTestApp({ databaseUrl: db.url, clock, hsm, sed });
      await a.createUser('olivia', 'operator');
      await a.createUser('sam', 'security-officer');
    }, 60_000);
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await db?.drop();
    });

    it('runs each approved erase once when the window comes, whichever instance claims it', async () => {
      const appA = a!;
      const appB = b!;
      const olivia = await appA.login('olivia', 'olivia-password-123');
      const sam = await appB.login('sam', 'sam-password-123');
      await post(olivia, '/api/sed-drives/discovery').expect(200);
      const drives = (await olivia.agent.get('/api/sed-drives?limit=50').expect(200)).body.drives as {
        id: string;
        serial: string;
      }[];
      const enrollments = await Promise.all(
        SERIALS.map(async (serial) => {
          const drive = drives.find((d) => d.serial === serial)!;
          return (await post(olivia, `/api/sed-drives/${drive.id}/enrollment`).expect(202)).body.id as string;
        }),
      );
      for (const id of enrollments)
        await waitFor(async () => {
          const job = await appA.store.jobs.find(id);
          return job?.state === 'succeeded' ? true : undefined;
        });

      const ids: string[] = [];
      for (const [i, serials] of REQUESTS.entries()) {
        const res = await post(olivia, '/api/erase/requests', {
          method: 'sed-revert',
          targets: { kind: 'sed-drives', serials },
          schedule: { kind: 'window', cron: '0 2 * * SAT', timeZone: 'UTC' },
          reason: `rack ${i + 1} leaves service`,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        await post(sam, `/api/approvals/${res.body.approvalId}/approve`, { note: 'ok' }).expect(200);
        ids.push(res.body.id as string);
      }
      for (const id of ids)
        expect(await appB.services.erase.get(id)).toMatchObject({ state: 'scheduled', runAt: WINDOW });

      // A minute before the window both runners look: nothing is due.
      now = new Date('2026-12-05T01:59:00Z');
      appA.services.jobs.wake();
      appB.services.jobs.wake();
      await sleep(300);
      expect(sed.calls.filter((c) => c === 'revertTper')).toHaveLength(0);
      for (const id of ids) expect((await appA.services.erase.get(id)).state).toBe('scheduled');

      // Past the window: both runners poll (every 20 ms) for the same three due jobs.
      now = new Date('2026-12-05T02:01:00Z');
      appA.services.jobs.wake();
      appB.services.jobs.wake();
      for (const id of ids)
        await waitFor(async () => {
          const r = await appA.services.erase.get(id);
          return ['completed', 'failed', 'cancelled'].includes(r.state) ? r : undefined;
        }, 30_000);
      await sleep(500); // let both runners poll many more times: a second run would show now

      for (const id of ids) {
        const r = await appB.services.erase.get(id);
        expect(r.state, JSON.stringify(r.items)).toBe('completed');
        for (const item of r.items) expect(item).toMatchObject({ state: 'erased' });
      }
      // The destructive command: once per drive, each drive's keys replaced once.
      expect(sed.calls.filter((c) => c === 'revertTper')).toHaveLength(SERIALS.length);
      for (const [device, d] of sed.drives) {
        expect(sed.generations.get(device), d.info.serial).toBe(1);
        expect(d.sid, d.info.serial).toBe(d.msid);
      }

      const k = appA.store.kysely;
      const certs = await k
        .selectFrom('certificates')
        .select(['item_id', 'item_ref'])
        .where('request_id', 'in', ids)
        .execute();
      expect(certs.map((c) => c.item_ref).sort()).toEqual(SERIALS.map((s) => `sed:${s}`).sort());
      expect(new Set(certs.map((c) => c.item_id)).size).toBe(SERIALS.length);
      const records = await k
        .selectFrom('audit_events')
        .select(['action', 'target'])
        .where('action', 'in', ['erase.item', 'certificate.issue'])
        .execute();
      for (const action of ['erase.item', 'certificate.issue'])
        expect(
          records
            .filter((r) => r.action === action)
            .map((r) => r.target)
            .sort(),
          action,
        ).toEqual(SERIALS.map((s) => `sed:${s}`).sort());
      const jobs = await appA.store.jobs.list({ limit: 10, kind: 'erase.execute' });
      expect(jobs).toHaveLength(REQUESTS.length);
      for (const job of jobs) expect(job).toMatchObject({ state: 'succeeded', runAfter: WINDOW });
      // Both instances took part (the runner that claimed two jobs first was busy for the third),
      // under distinct owner names: the takeover check of a running job compares them.
      expect(new Set(jobs.map((j) => j.owner)).size, jobs.map((j) => j.owner).join(', ')).toBe(2);
      expect((await appB.services.seals.verify()).ok).toBe(true);
    }, 90_000);
  },
);
