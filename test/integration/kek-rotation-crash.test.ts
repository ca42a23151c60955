import { afterEach, beforeEach, expect, it } from 'vitest';
import { DriverError } from '../../server/drivers/core/driver-error.ts';
import { kekLabel } from '../../server/services/keys/hsm-port.ts';
import { keyServices, META, principal, waitFor } from '../helpers/key-services.ts';
import { MemoryHsm } from '../helpers/memory-hsm.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

const SECRETS = 1234; // three re-wrap batches of 500 and one partial
const HSM_STEPS = ['createKek#1', 'rewrapSecrets#1', 'rewrapSecrets#2', 'rewrapSecrets#3'] as const;

/**
 * Invariant: whatever happened, every secret's blob unwraps under the KEK version the database
 * records for it, to the plaintext it had when it was generated.
 */
async function expectAllRecoverable(store: TestStore, hsm: MemoryHsm, original: Map<string, string>) {
  const rows = await store.kysely
    .selectFrom('managed_secrets')
    .select(['id', 'wrapped', 'kek_version'])
    .execute();
  expect(rows).toHaveLength(original.size);
  for (const row of rows) {
    const kek = await store.keyDomains.findKek('sed-fleet', row.kek_version);
    expect(kek?.state).not.toBe('destroyed');
    const plain = hsm.reveal(kek!.hsmLabel, Buffer.from(row.wrapped!, 'base64')).toString('hex');
    expect(plain).toBe(original.get(row.id));
  }
}

describeEachDialect('KEK rotation survives a crash at any step', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterEach(async () => {
    await dispose();
  });

  for (const step of HSM_STEPS) {
    it(`crash at ${step}, then restart`, async () => {
      const hsm = new MemoryHsm();
      const first = keyServices(store, hsm, 'instance-a');
      await first.domains.ensureDefaults();
      const records = await first.secrets.generate({
        domainId: 'sed-fleet',
        kind: 'tape-data-key',
        count: SECRETS,
        activate: true,
        actor: 't',
        requestId: null,
      });
      const original = new Map(
        records.map((r) => [
          r.id,
          hsm.reveal(kekLabel('sed-fleet', 1), Buffer.from(r.wrapped!, 'base64')).toString('hex'),
        ]),
      );

      // The "process" dies at the chosen HSM call: the runner stops (nothing after this point
      // runs in instance a) and the call fails as the dying process would see it.
      const [method, nth] = step.split('#') as [string, string];
      const real = (hsm as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!.bind(
        hsm,
      );
      let seen = 0;
      (hsm as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (++seen === Number(nth)) {
          void first.jobs.stop();
          return Promise.reject(new DriverError('HSM_DEVICE_REMOVED', 'process killed'));
        }
        return real(...args);
      };
      const job = await first.keks.rotateNow(principal('sam', 'security-officer'), 'sed-fleet', META);
      first.jobs.start();
      await waitFor(() => Promise.resolve(seen >= Number(nth) ? true : undefined));
      await first.jobs.stop();
      (hsm as unknown as Record<string, unknown>)[method] = real;
      await expectAllRecoverable(store, hsm, original);
      expect((await store.jobs.find(job.id))?.state).toBe('running');

      // A new process starts and resumes the job.
      const second = keyServices(store, hsm, 'instance-b');
      second.jobs.start();
      await waitFor(async () => ((await store.jobs.find(job.id))?.state === 'succeeded' ? true : undefined));
      await second.jobs.stop();
      await expectAllRecoverable(store, hsm, original);
      const domain = await second.domains.get('sed-fleet');
      expect(domain.activeKekVersion).toBe(2);
      expect(domain.keks.find((k) => k.version === 2)?.secretCount).toBe(SECRETS);
      expect(domain.keks.find((k) => k.version === 1)?.state).toBe('deactivated');
    });
  }

  it('waits and resumes when the HSM is unavailable, instead of failing the rotation', async () => {
    const hsm = new MemoryHsm();
    const s = keyServices(store, hsm);
    await s.domains.ensureDefaults();
    await s.secrets.generate({
      domainId: 'sed-fleet',
      kind: 'sed-credential',
      count: 700,
      activate: true,
      actor: 't',
      requestId: null,
    });
    hsm.faults.push({ method: 'rewrapSecrets', after: 1, code: 'HSM_DEVICE_REMOVED' });
    const job = await s.keks.rotateNow(principal('sam', 'security-officer'), 'sed-fleet', META);
    s.jobs.start();
    const done = await waitFor(async () => {
      const j = await store.jobs.find(job.id);
      return j?.state === 'succeeded' ? j : undefined;
    });
    await s.jobs.stop();
    expect(done.attempts).toBe(1);
    expect(done.done).toBe(700);
  });
});
