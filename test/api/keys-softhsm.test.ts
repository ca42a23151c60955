import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11HsmDriver } from '../../server/drivers/hsm/pkcs11-hsm-driver.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { createTestSoftHsmToken, type TestSoftHsmToken } from '../helpers/softhsm-token.ts';

/** The key-management API end to end on the real driver and a real SoftHSM2 token. */
let token: TestSoftHsmToken;
let hsm: Pkcs11HsmDriver;
let t: TestApp;
beforeAll(async () => {
  token = await createTestSoftHsmToken('lw-api');
  hsm = new Pkcs11HsmDriver(token.driverOptions());
  await hsm.open();
  t = await buildTestApp({ hsm });
  t.registry.addReadinessCheck({ name: 'hsm', check: () => t.services.hsmStatus.check() });
  await t.createUser('sam', 'security-officer');
  await t.createUser('olivia', 'operator');
});
afterAll(async () => {
  await t.close();
  await hsm.close();
  await token.cleanup();
});

describe('key domains over REST on SoftHSM2', () => {
  it('shows the HSM as a device and reports it ready', async () => {
    const { agent } = await t.login('olivia', 'olivia-password-123');
    const status = await agent.get('/api/hsm').expect(200);
    expect(status.body).toMatchObject({
      reachable: true,
      kind: 'softhsm',
      isLoggedIn: true,
      token: { label: 'lw-api', model: 'SoftHSM v2' },
    });
    expect(status.body.mechanisms.AES_KEY_WRAP).toBe(true);
    expect(status.body.latencyMs).toBeGreaterThanOrEqual(0);
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body.checks).toEqual({ database: 'ok', hsm: 'ok' });
  });

  it('lets security officers create and rotate a domain, operators only read', async () => {
    const op = await t.login('olivia', 'olivia-password-123');
    const denied = await op.agent
      .post('/api/key-domains')
      .set('X-CSRF-Token', op.csrf)
      .send({ id: 'library-b', purpose: 'tape' });
    expect(denied.status).toBe(403);

    const so = await t.login('sam', 'sam-password-123');
    const created = await so.agent
      .post('/api/key-domains')
      .set('X-CSRF-Token', so.csrf)
      .send({ id: 'library-b', purpose: 'tape', description: 'Library B' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'library-b',
      activeKekVersion: 1,
      keks: [{ version: 1, state: 'active' }],
    });
    expect((await hsm.describeKey('lw:kek:library-b:v1'))[0]).toMatchObject({
      isExtractable: false,
      isSensitive: true,
      usage: { wrap: true, unwrap: true, encrypt: false, decrypt: false },
    });

    await t.services.secrets.generate({
      domainId: 'library-b',
      kind: 'tape-data-key',
      count: 120,
      activate: true,
      actor: 'test',
      requestId: null,
    });
    const job = await so.agent
      .post('/api/key-domains/library-b/rotations')
      .set('X-CSRF-Token', so.csrf)
      .expect(202);
    expect(job.body).toMatchObject({ kind: 'kek.rotate', state: 'queued' });
    const again = await so.agent.post('/api/key-domains/library-b/rotations').set('X-CSRF-Token', so.csrf);
    expect([202, 409]).toContain(again.status);
    const done = await waitFor(async () => {
      const res = await op.agent.get(`/api/jobs/${job.body.id}`);
      return res.body.state === 'succeeded' ? res.body : undefined;
    });
    expect(done).toMatchObject({ done: 120, total: 120 });
    const domain = (await op.agent.get('/api/key-domains/library-b').expect(200)).body;
    expect(
      domain.keks.map((k: { version: number; state: string; secretCount: number }) => [
        k.version,
        k.state,
        k.secretCount,
      ]),
    ).toEqual([
      [2, 'active', 120],
      [1, 'deactivated', 0],
    ]);
    const secret = await t.store.kysely
      .selectFrom('managed_secrets')
      .selectAll()
      .where('domain_id', '=', 'library-b')
      .executeTakeFirstOrThrow();
    const plain = await t.services.secrets.unwrapForUse(secret.id, 'protect', {
      actor: 't',
      requestId: null,
      purpose: 'test',
    });
    expect(plain.expose()).toHaveLength(32);
    plain.dispose();
  });

  it('needs a second person to destroy a KEK, and never shows wrapped material', async () => {
    const so = await t.login('sam', 'sam-password-123');
    const req = await so.agent
      .post('/api/key-domains/library-b/keks/1/destruction')
      .set('X-CSRF-Token', so.csrf)
      .send({ reason: 'rotated' });
    expect(req.status).toBe(202);
    const self = await so.agent
      .post(`/api/approvals/${req.body.id}/approve`)
      .set('X-CSRF-Token', so.csrf)
      .send({});
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('APPROVAL_SELF');
    expect(await hsm.hasKey('lw:kek:library-b:v1')).toBe(true);
    const admin = await t.login();
    const ok = await admin.agent
      .post(`/api/approvals/${req.body.id}/approve`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ note: 'checked' });
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('executed');
    expect(await hsm.hasKey('lw:kek:library-b:v1')).toBe(false);

    const wrapped = (
      await t.store.kysely.selectFrom('managed_secrets').select('wrapped').executeTakeFirstOrThrow()
    ).wrapped!;
    const bodies = JSON.stringify([
      (await admin.agent.get('/api/key-domains')).body,
      (await admin.agent.get('/api/audit?limit=500')).body,
      (await admin.agent.get('/api/jobs')).body,
    ]);
    expect(bodies).not.toContain(wrapped);
    expect(t.logs.join('\n')).not.toContain(wrapped);
  });

  it('verifies the sealed audit chain through the API', async () => {
    await t.services.seals.sealNow();
    const { agent } = await t.login('sam', 'sam-password-123');
    const res = await agent.get('/api/audit/verification').expect(200);
    expect(res.body).toMatchObject({ ok: true, problem: null });
    expect(res.body.checkedSeals).toBeGreaterThanOrEqual(1);
    await t.store.kysely.updateTable('audit_events').set({ actor: 'mallory' }).where('seq', '=', 3).execute();
    const tampered = await agent.get('/api/audit/verification').expect(200);
    expect(tampered.body).toMatchObject({ ok: false, problem: 'record-edited', firstBadSeq: 3 });
  });

  it('leaves no plaintext key material in the database, logs, responses, audit or events', async () => {
    const events: string[] = [];
    for (const name of ['audit:appended', 'keys:changed', 'job:progress', 'approval:changed'] as const) {
      t.services.events.on(name, (e: unknown) => events.push(JSON.stringify(e)));
    }
    const so = await t.login('sam', 'sam-password-123');
    await so.agent
      .post('/api/key-domains')
      .set('X-CSRF-Token', so.csrf)
      .send({ id: 'scan', purpose: 'general' })
      .expect(201);
    const records = await t.services.secrets.generate({
      domainId: 'scan',
      kind: 'sed-credential',
      count: 20,
      activate: true,
      actor: 'sam',
      requestId: null,
    });
    const plaintexts: string[] = [];
    for (const r of records) {
      const secret = await t.services.secrets.unwrapForUse(r.id, 'protect', {
        actor: 'sam',
        requestId: null,
        purpose: 'scan',
      });
      plaintexts.push(secret.expose().toString('hex'), secret.expose().toString('base64'));
      secret.dispose();
      expect(secret.isDisposed).toBe(true);
    }
    const job = await so.agent
      .post('/api/key-domains/scan/rotations')
      .set('X-CSRF-Token', so.csrf)
      .expect(202);
    await waitFor(async () =>
      (await t.store.jobs.find(job.body.id))?.state === 'succeeded' ? true : undefined,
    );
    const responses = JSON.stringify([
      (await so.agent.get('/api/key-domains/scan')).body,
      (await so.agent.get(`/api/secrets/${records[0]!.id}`)).body,
      (await so.agent.get('/api/audit?limit=500')).body,
    ]);
    const tables = [
      'managed_secrets',
      'audit_events',
      'jobs',
      'key_domains',
      'kek_versions',
      'approvals',
      'audit_seals',
    ] as const;
    const dump = JSON.stringify(
      await Promise.all(tables.map((tb) => t.store.kysely.selectFrom(tb).selectAll().execute())),
    );
    const haystacks = { dump, logs: t.logs.join('\n'), responses, events: events.join('\n') };
    for (const plain of plaintexts) {
      for (const [where, text] of Object.entries(haystacks))
        expect(text.includes(plain), `${where} holds key material`).toBe(false);
    }
    expect(events.some((e) => e.includes('"domainId":"scan"'))).toBe(true);
  });
});
