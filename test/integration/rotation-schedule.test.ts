import { afterEach, beforeEach, expect, it } from 'vitest';
import { keyServices, META, principal } from '../helpers/key-services.ts';
import { MemoryHsm } from '../helpers/memory-hsm.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

describeEachDialect('scheduled KEK rotation', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterEach(async () => {
    await dispose();
  });

  it('queues a rotation once when the period has passed, also from two console instances', async () => {
    const hsm = new MemoryHsm();
    const a = keyServices(store, hsm, 'a');
    const b = keyServices(store, hsm, 'b');
    await a.domains.create(
      principal('sam', 'security-officer'),
      { id: 'tapes', description: '', purpose: 'tape', rotationPeriodDays: 30 },
      META,
    );
    await a.domains.create(
      principal('sam', 'security-officer'),
      { id: 'manual', description: '', purpose: 'tape', rotationPeriodDays: null },
      META,
    );
    expect(await a.keks.scheduleDueRotations()).toBe(0);

    // 31 days later (the domain's clock reference is its creation time).
    const past = new Date(Date.now() - 31 * 86_400_000).toISOString();
    await store.kysely
      .updateTable('key_domains')
      .set({ created_at: past })
      .where('id', 'in', ['tapes', 'manual'])
      .execute();
    const queued = await Promise.all([a.keks.scheduleDueRotations(), b.keks.scheduleDueRotations()]);
    expect(queued[0] + queued[1]).toBe(1);
    expect(await a.keks.scheduleDueRotations()).toBe(0);
    const jobs = await store.jobs.list({ limit: 10, kind: 'kek.rotate' });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ params: { domainId: 'tapes' }, createdBy: 'scheduler', state: 'queued' });
    expect(jobs[0]!.id).toMatch(/^sched-rotate-tapes-\d{4}-\d{2}-\d{2}$/);
    const domain = await a.domains.get('tapes');
    expect(domain.nextRotationAt).toBe(new Date(new Date(past).getTime() + 30 * 86_400_000).toISOString());
  });
});
