// The console the scheduled-erase suite drives: the whole real app IN PROCESS (so that the test
// owns its clock), served over HTTP for Chromium. SED drives are the real SedutilSedDriver on the
// in-process sedutil emulator, tapes the real SCSI drivers over the emulated small-lab library.
// Also: API sessions for setting up around the browser, and `lockwarden cert verify` to check
// a downloaded certificate offline.
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { MemoryFleetStore } from '../../hardware-sims/sed/fleet-store.ts';
import { SedutilEmulatorRunner } from '../../hardware-sims/sed/sedutil-emulator-runner.ts';
import { EmulatedScsiTransport } from '../../hardware-sims/scsi/emulated-transport.ts';
import { TapeFleet } from '../../hardware-sims/tape/fleet.ts';
import { ScsiTapeLibrary } from '../../server/drivers/library/scsi-tape-library.ts';
import { SedutilSedDriver } from '../../server/drivers/sed/sedutil-sed-driver.ts';
import { ScsiTapeDrive } from '../../server/drivers/tape/scsi-tape-drive.ts';
import { runCertVerify } from '../../server/cli/cert-verify.ts';
import type { Clock } from '../../server/platform/clock.ts';
import { SedDriverPort } from '../../server/services/sed/sed-driver-port.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { fleetOf } from '../helpers/sed-sim.ts';
import { ROOT } from './browser.ts';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'scripts/lockwarden.mjs');

/** buildTestApp puts a single SED port on this host. */
export const SED_HOST = 'lab-host-1';

/** Wall time plus an offset the test moves: time still flows, as it does for a real console. */
export class MovableClock implements Clock {
  #offsetMs: number;
  constructor(start: Date) {
    this.#offsetMs = start.getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  moveTo(at: Date): void {
    this.#offsetMs = at.getTime() - Date.now();
  }
}

export interface User {
  username: string;
  password: string;
}

type Login = Awaited<ReturnType<TestApp['login']>>;

/** A supertest agent of `user`, logged in now (sessions age with the clock, so log in per use). */
export async function apiAs(t: TestApp, user: User): Promise<Login> {
  return t.login(user.username, user.password);
}

export function post(who: Login, pathname: string, body: unknown = {}) {
  return who.agent
    .post(pathname)
    .set('X-CSRF-Token', who.csrf)
    .send(body as object);
}

async function jobDone(who: Login, id: string): Promise<void> {
  const job = await waitFor(async () => {
    const res = await who.agent.get(`/api/jobs/${id}`);
    return ['succeeded', 'failed', 'cancelled'].includes(res.body.state) ? res.body : undefined;
  }, 30_000);
  if (job.state !== 'succeeded') throw new Error(`job ${id} ${job.state}: ${job.errorMessage}`);
}

export interface ScheduleConsole {
  t: TestApp;
  url: string;
  clock: MovableClock;
  requester: User;
  approver: User;
  /** A second security officer, for a policy of two approvers. */
  secondApprover: User;
  /** An admin, who sets the approval policy. */
  admin: User;
  /** The sedutil emulator under the real driver: swap slots, read key generations. */
  sed: SedutilEmulatorRunner;
  /** The serial of the drive now in `device` on the lab host. */
  serialAt(device: string): string;
  /** A drive's media-key generations by serial (they change when it is reverted). */
  generations(serial: string): number[];
  /** The PSID printed on the label of the drive now in `device` (the emulator's). */
  psidOf(device: string): string;
  tape: TapeFleet;
  librarySerial: string;
  /** Moves the console's clock and the browsers' to `at`, and lets the job runner look. */
  advanceTo(at: Date, contexts: BrowserContext[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the console at `start` with two enrolled drives (`/dev/sda`, `/dev/sdb`; `/dev/nvme0`
 * stays unenrolled: somebody else took ownership of it, so its credentials are unknown, the
 * case for a PSID revert) and five enrolled cartridges A00001L9–A00005L9 in an LTO-9 pool, data
 * written under A00001L9's key. The requester is an operator, the approvers two security
 * officers; an admin sets policy.
 */
export async function startScheduleConsole(start: Date): Promise<ScheduleConsole> {
  const clock = new MovableClock(start);
  const sedStore = new MemoryFleetStore(
    fleetOf(
      [
        ['samsung-860-evo-1t', '/dev/sda'],
        ['samsung-860-evo-1t', '/dev/sdb'],
        ['samsung-960-evo-1t', '/dev/nvme0'],
      ],
      SED_HOST,
    ),
  );
  const sed = new SedutilEmulatorRunner({ store: sedStore, host: SED_HOST });
  // Owned outside Lockwarden (Locking SP active, SID and Admin1 not escrowed): only its PSID erases it.
  const owned = await sed.run(
    '/usr/sbin/sedutil-cli',
    ['--initialSetup', 'somebody-elses-password', '/dev/nvme0'],
    { timeoutMs: 30_000 },
  );
  if (owned.exitCode !== 0) throw new Error(`initialSetup /dev/nvme0: ${owned.stderr}`);
  const sedDriver = new SedutilSedDriver({
    runner: sed,
    sedutilPath: '/usr/sbin/sedutil-cli',
    host: SED_HOST,
    resolveDevicePath: sed.resolveDevicePath,
  });
  const tape = TapeFleet.create('small-lab');
  const t = await buildTestApp({
    clock,
    clientDistDir: path.join(ROOT, 'client/dist'),
    // The test jumps the clock by up to half an hour while both people stay signed in.
    env: { LOCKWARDEN_SESSION_IDLE_MINUTES: '120', LOCKWARDEN_LOG_LEVEL: 'warn' },
    sed: new SedDriverPort(sedDriver),
    tape: {
      drives: tape.drives.map((d, i) => ({
        ref: `sim:nst${i}`,
        driver: new ScsiTapeDrive({ transport: new EmulatedScsiTransport(d) }),
      })),
      libraries: tape.libraries.map((l, i) => ({
        ref: `sim:sch${i}`,
        driver: new ScsiTapeLibrary({ transport: new EmulatedScsiTransport(l) }),
      })),
    },
  });
  try {
    const requester = { username: 'olivia', password: 'requester-password-e2e-1' };
    const approver = { username: 'sam', password: 'approver-password-e2e-1' };
    const secondApprover = { username: 'sofia', password: 'approver-password-e2e-2' };
    const admin = { username: 'ada', password: 'admin-password-e2e-1' };
    await t.createUser(requester.username, 'operator', requester.password);
    await t.createUser(approver.username, 'security-officer', approver.password);
    await t.createUser(secondApprover.username, 'security-officer', secondApprover.password);
    await t.createUser(admin.username, 'admin', admin.password);
    const librarySerial = await prepare(t, requester, approver, tape);
    await new Promise<void>((resolve) => t.httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = t.httpServer.address() as AddressInfo;
    const driveAt = (device: string) => sedStore.state.drives.find((d) => d.device === device)!;
    return {
      t,
      url: `http://127.0.0.1:${port}`,
      clock,
      requester,
      approver,
      secondApprover,
      admin,
      sed,
      serialAt: (device) => driveAt(device).identity.serial.trim(),
      generations: (serial) => [
        ...sedStore.state.drives.find((d) => d.identity.serial.trim() === serial)!.keyGenerations,
      ],
      psidOf: (device) => driveAt(device).psid,
      tape,
      librarySerial,
      async advanceTo(at, contexts) {
        clock.moveTo(at);
        await Promise.all(contexts.map((c) => c.clock.setSystemTime(at)));
        t.services.jobs.wake();
      },
      async stop() {
        await t.close();
        await sedDriver.close();
      },
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** Drives enrolled, a pool, cartridges enrolled, data on A00001L9: all through the API. */
async function prepare(t: TestApp, requester: User, approver: User, tape: TapeFleet): Promise<string> {
  const op = await apiAs(t, requester);
  const so = await apiAs(t, approver);
  await post(op, '/api/sed-drives/discovery').expect(200);
  for (const device of ['/dev/sda', '/dev/sdb']) {
    const list = await op.agent.get(`/api/sed-drives?search=${device}`).expect(200);
    const res = await post(op, `/api/sed-drives/${list.body.drives[0].id}/enrollment`).expect(202);
    await jobDone(op, res.body.id);
  }
  await post(op, '/api/tape/refresh').expect(200);
  const librarySerial = tape.libraries[0]!.state.serial;
  await post(so, `/api/tape/libraries/${librarySerial}/pools`, {
    name: 'LTO-9 archive',
    selector: { kind: 'range', from: 'A00000L9', to: 'A00999L9' },
  }).expect(201);
  const enrolled = await post(op, '/api/tape/enrollments', {
    librarySerial,
    source: { kind: 'range', from: 'A00001L9', to: 'A00005L9' },
  }).expect(202);
  await jobDone(op, enrolled.body.job.id);
  // Data on A00001L9, written under its key through Lockwarden: after the shred it cannot be read.
  const lto9 = tape.drives.find((d) => d.model.generation === 9)!;
  await post(op, '/api/tape/cartridges/A00001L9/mount', { driveSerial: lto9.serial }).expect(200);
  const app = new ScsiTapeDrive({ transport: new EmulatedScsiTransport(lto9) });
  await app.open();
  await app.rewind();
  await app.writeBlock(Buffer.from('payroll 2019'));
  await app.close();
  await post(op, `/api/tape/libraries/${librarySerial}/unmount`, { driveSerial: lto9.serial }).expect(200);
  return librarySerial;
}

export type Verify = (file: string, keyFile: string) => Promise<{ status: number; stdout: string }>;

/** `npx lockwarden cert verify FILE --key PEM`, as a separate process with no database or HSM. */
export const cliVerify: Verify = async (file, keyFile) => {
  try {
    const r = await run(process.execPath, [CLI, 'cert', 'verify', file, '--key', keyFile], {
      cwd: path.dirname(file),
      env: {
        ...process.env,
        LOCKWARDEN_DATA_DIR: path.join(path.dirname(file), 'no-data'),
        DATABASE_URL: '',
      },
    });
    return { status: 0, stdout: r.stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { status: e.code ?? -1, stdout: e.stdout ?? '' };
  }
};

/** The same command in process (the code the CLI runs), to spare a second pair of processes. */
export const inProcessVerify: Verify = (file, keyFile) => {
  const out: string[] = [];
  const status = runCertVerify([file, '--key', keyFile], {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
  });
  return Promise.resolve({ status, stdout: `${out.join('\n')}\n` });
};
