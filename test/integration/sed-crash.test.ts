import { afterEach, beforeEach, expect, it } from 'vitest';
import { DriverError } from '../../server/drivers/core/driver-error.ts';
import { Secret } from '../../server/drivers/core/secret.ts';
import { sedPasswordFromSecret } from '../../server/drivers/sed/sed-password.ts';
import { DomainEvents } from '../../server/domain/events.ts';
import { systemClock } from '../../server/platform/clock.ts';
import { cryptoIds } from '../../server/platform/ids.ts';
import { kekLabel } from '../../server/services/keys/hsm-port.ts';
import { sedEnrollmentJob } from '../../server/services/sed/sed-enrollment.job.ts';
import { SedInventoryService } from '../../server/services/sed/sed-inventory.service.ts';
import { sedRotationJob } from '../../server/services/sed/sed-rotation.job.ts';
import { SedWorkflowsService } from '../../server/services/sed/sed-workflows.service.ts';
import { sedFleetOf } from '../../server/services/sed/sed-port.ts';
import { keyServices, META, principal, waitFor } from '../helpers/key-services.ts';
import { MemoryHsm } from '../helpers/memory-hsm.ts';
import { MemorySed } from '../helpers/memory-sed.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

const SERIAL = 'S4EVNX0R900001';

/** One console "process": key services, SED services and a job runner with its own identity. */
function consoleInstance(store: TestStore, hsm: MemoryHsm, sed: MemorySed, name: string) {
  const k = keyServices(store, hsm, name);
  const events = new DomainEvents();
  const fleet = sedFleetOf(new Map([['h1', sed]]));
  const inventory = new SedInventoryService({
    store,
    sed: fleet,
    audit: k.audit,
    events,
    clock: systemClock,
    ids: cryptoIds,
  });
  k.jobs.register(
    sedEnrollmentJob({
      store,
      sed: fleet,
      secrets: k.secrets,
      inventory,
      audit: k.audit,
      events,
      clock: systemClock,
    }),
  );
  k.jobs.register(
    sedRotationJob({ store, sed: fleet, secrets: k.secrets, inventory, audit: k.audit, clock: systemClock }),
  );
  const workflows = new SedWorkflowsService({ store, jobs: k.jobs, audit: k.audit, inventory });
  return { ...k, inventory, workflows };
}

/** The password the console would hand to sedutil for an escrowed secret. */
async function passwordOf(store: TestStore, hsm: MemoryHsm, secretId: string | null): Promise<string | null> {
  if (!secretId) return null;
  const s = (await store.secrets.find(secretId))!;
  const raw = new Secret(hsm.reveal(kekLabel(s.domainId, s.kekVersion), Buffer.from(s.wrapped!, 'base64')));
  return sedPasswordFromSecret(raw).expose().toString('utf8');
}

/** Invariant 1: whatever the drive holds is the factory MSID or a credential the database holds. */
async function expectDriveOpenable(store: TestStore, hsm: MemoryHsm, sed: MemorySed) {
  const drive = (await store.sedDrives.findBySerial(SERIAL))!;
  const sim = sed.drives.get('/dev/sda')!;
  const known = new Set(
    await Promise.all(
      [drive.sidSecretId, drive.admin1SecretId, drive.pendingSidSecretId, drive.pendingAdmin1SecretId].map(
        (id) => passwordOf(store, hsm, id),
      ),
    ),
  );
  expect(sim.sid === sim.msid || known.has(sim.sid), 'SID is held by the database').toBe(true);
  expect(sim.admin1 === null || known.has(sim.admin1), 'Admin1 is held by the database').toBe(true);
}

/**
 * Makes the first call of `method` the moment the process dies: before the drive applied the
 * command, or after it did but before the console could record it.
 */
function crashAt(sed: MemorySed, method: string, applied: boolean, onCrash: () => void) {
  const real = (sed as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!.bind(sed);
  const state = { crashed: false };
  (sed as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    if (!state.crashed) {
      state.crashed = true;
      if (applied) await real(...args);
      onCrash();
      throw new DriverError('SED_TIMEOUT', 'process killed');
    }
    return real(...args);
  };
  return { state, restore: () => ((sed as unknown as Record<string, unknown>)[method] = real) };
}

const ENROLL_CALLS = [
  ['takeOwnership', false],
  ['takeOwnership', true],
  ['activateLockingSp', false],
  ['activateLockingSp', true],
  ['setAdmin1Password', false],
  ['setAdmin1Password', true],
  ['enableLockingRange', true],
  ['setMbrEnable', true],
] as const;

describeEachDialect('SED enrollment and rotation survive a crash at any step', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  let hsm: MemoryHsm;
  let sed: MemorySed;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
    hsm = new MemoryHsm();
    sed = new MemorySed();
    sed.addDrive('/dev/sda', SERIAL);
  });
  afterEach(async () => {
    await dispose();
  });

  for (const [method, applied] of ENROLL_CALLS) {
    it(`enrollment: crash at ${method} (${applied ? 'after' : 'before'} the drive applied it)`, async () => {
      const a = consoleInstance(store, hsm, sed, 'a');
      await a.domains.ensureDefaults();
      await a.inventory.discover('t', null);
      const drive = (await store.sedDrives.findBySerial(SERIAL))!;
      const crash = crashAt(sed, method, applied, () => void a.jobs.stop());
      const job = await a.workflows.enroll(principal('olivia', 'operator'), drive.id, META);
      a.jobs.start();
      await waitFor(() => Promise.resolve(crash.state.crashed ? true : undefined));
      await a.jobs.stop();
      crash.restore();
      expect((await store.jobs.find(job.id))?.state).toBe('running');
      await expectDriveOpenable(store, hsm, sed);

      const b = consoleInstance(store, hsm, sed, 'b');
      b.jobs.start();
      const finished = await waitFor(async () => {
        const j = await store.jobs.find(job.id);
        return j && ['succeeded', 'failed'].includes(j.state) ? j : undefined;
      });
      await b.jobs.stop();
      expect(finished.state, finished.errorMessage ?? '').toBe('succeeded');
      await expectDriveOpenable(store, hsm, sed);
      const enrolled = (await store.sedDrives.findBySerial(SERIAL))!;
      expect(enrolled.state).toBe('enrolled');
      const sim = sed.drives.get('/dev/sda')!;
      expect(sim.sid).toBe(await passwordOf(store, hsm, enrolled.sidSecretId));
      expect(sim.admin1).toBe(await passwordOf(store, hsm, enrolled.admin1SecretId));
      expect(sim.rle && sim.wle).toBe(true);
    });
  }

  for (const [method, applied] of [
    ['setAdmin1Password', false],
    ['setAdmin1Password', true],
    ['setSidPassword', false],
    ['setSidPassword', true],
  ] as const) {
    it(`rotation: crash at ${method} (${applied ? 'after' : 'before'} the drive applied it)`, async () => {
      const a = consoleInstance(store, hsm, sed, 'a');
      await a.domains.ensureDefaults();
      await a.inventory.discover('t', null);
      const drive = (await store.sedDrives.findBySerial(SERIAL))!;
      const enrollJob = await a.workflows.enroll(principal('olivia', 'operator'), drive.id, META);
      a.jobs.start();
      await waitFor(async () =>
        (await store.jobs.find(enrollJob.id))?.state === 'succeeded' ? true : undefined,
      );
      const crash = crashAt(sed, method, applied, () => void a.jobs.stop());
      const job = await a.workflows.rotate(principal('sam', 'security-officer'), drive.id, META);
      await waitFor(() => Promise.resolve(crash.state.crashed ? true : undefined));
      await a.jobs.stop();
      crash.restore();
      await expectDriveOpenable(store, hsm, sed);

      const b = consoleInstance(store, hsm, sed, 'b');
      b.jobs.start();
      const finished = await waitFor(async () => {
        const j = await store.jobs.find(job.id);
        return j && ['succeeded', 'failed'].includes(j.state) ? j : undefined;
      });
      await b.jobs.stop();
      expect(finished.state, finished.errorMessage ?? '').toBe('succeeded');
      const rotated = (await store.sedDrives.findBySerial(SERIAL))!;
      const sim = sed.drives.get('/dev/sda')!;
      expect(sim.admin1).toBe(await passwordOf(store, hsm, rotated.admin1SecretId));
      expect(sim.sid).toBe(await passwordOf(store, hsm, rotated.sidSecretId));
    });
  }
});
