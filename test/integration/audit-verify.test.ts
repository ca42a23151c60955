import { afterEach, beforeEach, expect, it } from 'vitest';
import { auditRecordHash } from '../../server/domain/audit-hash.ts';
import { keyServices } from '../helpers/key-services.ts';
import { MemoryHsm } from '../helpers/memory-hsm.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

const AT = '2026-11-23T10:00:00.000Z';

describeEachDialect('audit chain verifier', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  let s: ReturnType<typeof keyServices>;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
    s = keyServices(store, new MemoryHsm());
    await s.seals.ensureKey();
    for (let i = 1; i <= 30; i++) {
      await store.audit.append(
        {
          actor: 'u',
          action: 'test.event',
          target: `t:${i}`,
          outcome: 'success',
          requestId: null,
          details: { i },
        },
        AT,
      );
      if (i % 10 === 0) await s.seals.sealNow();
    }
  });
  afterEach(async () => {
    await dispose();
  });

  const events = () => store.kysely.updateTable('audit_events');

  it('reports an intact, sealed chain', async () => {
    const r = await s.seals.verify();
    expect(r).toMatchObject({
      ok: true,
      checkedRecords: 30,
      lastSeq: 30,
      checkedSeals: 3,
      lastSealedSeq: 30,
      problem: null,
    });
  });

  it('finds an edited record', async () => {
    await events().set({ actor: 'mallory' }).where('seq', '=', 12).execute();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'record-edited', firstBadSeq: 12 });
  });

  it('finds an edited record whose hash the attacker recomputed (the link to it breaks)', async () => {
    const row = (await store.audit.range(12, 1))[0]!;
    const forged = { ...row, actor: 'mallory' };
    await events()
      .set({ actor: 'mallory', hash: auditRecordHash(row.prevHash, 12, row.at, forged) })
      .where('seq', '=', 12)
      .execute();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'chain-broken', firstBadSeq: 13 });
  });

  it('finds a deleted record', async () => {
    await store.kysely.deleteFrom('audit_events').where('seq', '=', 7).execute();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'record-missing', firstBadSeq: 7 });
  });

  it('finds deleted records at the end (the head and the seal disagree)', async () => {
    await store.kysely.deleteFrom('audit_events').where('seq', '>', 27).execute();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'head-mismatch', firstBadSeq: 28 });
    await store.kysely
      .updateTable('audit_head')
      .set({ seq: 27, hash: (await store.audit.range(27, 1))[0]!.hash })
      .execute();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'seal-mismatch', firstBadSeq: 28 });
  });

  it('finds an inserted record', async () => {
    // Renumber 21..30 to 22..31 and slip a forged record in at 21, with a correct own hash.
    for (let seq = 30; seq >= 21; seq--)
      await events()
        .set({ seq: seq + 1 })
        .where('seq', '=', seq)
        .execute();
    const prev = (await store.audit.range(20, 1))[0]!;
    const entry = {
      actor: 'mallory',
      action: 'test.event',
      target: 'x',
      outcome: 'success' as const,
      requestId: null,
      details: {},
    };
    await store.kysely
      .insertInto('audit_events')
      .values({
        seq: 21,
        at: AT,
        actor: 'mallory',
        action: 'test.event',
        target: 'x',
        outcome: 'success',
        request_id: null,
        details: '{}',
        prev_hash: prev.hash,
        hash: auditRecordHash(prev.hash, 21, AT, entry),
      })
      .execute();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'chain-broken', firstBadSeq: 22 });
  });

  it('finds two reordered records', async () => {
    const [a, b] = await store.audit.range(15, 2);
    await events().set({ seq: -1 }).where('seq', '=', 15).execute();
    await events().set({ seq: 15 }).where('seq', '=', 16).execute();
    await events().set({ seq: 16 }).where('seq', '=', -1).execute();
    expect(a && b).toBeTruthy();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'chain-broken', firstBadSeq: 15 });
  });

  it('finds a rewritten chain whose SHA-256 links are all consistent, by the HSM seal', async () => {
    // The attacker rebuilds every hash from record 5 on: only the HMAC in the HSM is out of reach.
    const rows = await store.audit.range(1, 100);
    let prev = rows[3]!.hash;
    for (const row of rows.slice(4)) {
      const forged = row.seq === 5 ? { ...row, actor: 'mallory' } : row;
      const hash = auditRecordHash(prev, row.seq, row.at, forged);
      await events().set({ actor: forged.actor, prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
      prev = hash;
    }
    await store.kysely.updateTable('audit_head').set({ hash: prev }).execute();
    const r = await s.seals.verify();
    expect(r).toMatchObject({ ok: false, problem: 'seal-mismatch', firstBadSeq: 1 });
    expect(r.message).toMatch(/records 1–10 were rewritten/);
  });

  it('finds a forged seal', async () => {
    await store.kysely
      .updateTable('audit_seals')
      .set({ mac: '00'.repeat(32) })
      .where('seq', '=', 20)
      .execute();
    expect(await s.seals.verify()).toMatchObject({ ok: false, problem: 'seal-invalid', firstBadSeq: 20 });
  });
});
