import { afterEach, beforeEach, expect, it } from 'vitest';
import { kekLabel } from '../../server/services/keys/hsm-port.ts';
import { keyServices, META, principal, seedPeople, waitFor } from '../helpers/key-services.ts';
import { MemoryHsm } from '../helpers/memory-hsm.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

describeEachDialect('key domains and managed secrets', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  let hsm: MemoryHsm;
  let s: ReturnType<typeof keyServices>;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
    hsm = new MemoryHsm();
    s = keyServices(store, hsm);
    await s.domains.ensureDefaults();
    await seedPeople(store);
  });
  afterEach(async () => {
    await s.jobs.stop();
    await dispose();
  });

  it('creates the default domain with a KEK v1 in the HSM, once', async () => {
    await s.domains.ensureDefaults();
    const [domain] = await s.domains.list();
    expect(domain).toMatchObject({
      id: 'sed-fleet',
      purpose: 'sed',
      activeKekVersion: 1,
      rotationPeriodDays: 365,
    });
    expect(domain?.keks).toEqual([expect.objectContaining({ version: 1, state: 'active', secretCount: 0 })]);
    expect(hsm.keys.has(kekLabel('sed-fleet', 1))).toBe(true);
    await expect(
      s.domains.create(
        principal('sam', 'security-officer'),
        { id: 'sed-fleet', description: '', purpose: 'sed', rotationPeriodDays: null },
        META,
      ),
    ).rejects.toMatchObject({ code: 'KEY_DOMAIN_EXISTS' });
  });

  it('generates secrets in batches, stores only wrapped material, audits each one', async () => {
    const records = await s.secrets.generate({
      domainId: 'sed-fleet',
      kind: 'sed-credential',
      count: 1100,
      activate: false,
      actor: 'tester',
      requestId: null,
    });
    expect(records).toHaveLength(1100);
    expect(hsm.calls.get('generateWrappedSecrets')).toBe(2);
    const dump = JSON.stringify(await store.kysely.selectFrom('managed_secrets').selectAll().execute());
    for (const r of records.slice(0, 50)) {
      const plain = hsm.reveal(kekLabel('sed-fleet', 1), Buffer.from(r.wrapped!, 'base64'));
      expect(plain).toHaveLength(32);
      expect(dump).not.toContain(plain.toString('hex'));
      expect(dump).not.toContain(plain.toString('base64'));
      expect(MemoryHsm.kcvOf(plain, 'random-32')).toBe(r.kcv);
    }
    const audit = await store.audit.list({ limit: 2000, action: 'secret.create' });
    expect(audit).toHaveLength(1100);
    expect(JSON.stringify(audit)).not.toMatch(/wrapped/);
  });

  it('enforces the life cycle and refuses to use keys outside it', async () => {
    const [secret] = await s.secrets.generate({
      domainId: 'sed-fleet',
      kind: 'sed-credential',
      count: 1,
      activate: false,
      actor: 't',
      requestId: null,
    });
    const ctx = { actor: 't', requestId: null, purpose: 'test' };
    await expect(s.secrets.unwrapForUse(secret!.id, 'protect', ctx)).rejects.toMatchObject({
      code: 'KEY_STATE_INVALID',
    });
    await s.secrets.transition(secret!.id, 'activate', { actor: 't', requestId: null });
    const plain = await s.secrets.unwrapForUse(secret!.id, 'protect', ctx);
    expect(plain.expose()).toHaveLength(32);
    plain.dispose();
    await s.secrets.transition(secret!.id, 'deactivate', { actor: 't', requestId: null });
    await expect(s.secrets.unwrapForUse(secret!.id, 'protect', ctx)).rejects.toMatchObject({
      code: 'KEY_STATE_INVALID',
    });
    (await s.secrets.unwrapForUse(secret!.id, 'process', ctx)).dispose();
    await expect(
      s.secrets.transition(secret!.id, 'resume', { actor: 't', requestId: null }),
    ).rejects.toMatchObject({ code: 'KEY_STATE_INVALID' });
  });

  it('destroys a secret only with a second person, removing the wrapped material and keeping metadata', async () => {
    const [secret] = await s.secrets.generate({
      domainId: 'sed-fleet',
      kind: 'tape-data-key',
      count: 1,
      activate: true,
      actor: 't',
      requestId: null,
    });
    const sam = principal('sam', 'security-officer');
    await expect(s.keks.requestSecretDestruction(sam, secret!.id, 'retired', META)).rejects.toMatchObject({
      code: 'KEY_STATE_INVALID',
    });
    await s.secrets.transition(secret!.id, 'deactivate', { actor: 'sam', requestId: null });
    const approval = await s.keks.requestSecretDestruction(sam, secret!.id, 'cartridge retired', META);
    await expect(s.approvals.approve(sam, approval.id, '', META)).rejects.toMatchObject({
      code: 'APPROVAL_SELF',
    });
    await expect(
      s.approvals.approve(principal('olivia', 'operator'), approval.id, '', META),
    ).rejects.toMatchObject({ code: 'AUTH_FORBIDDEN' });
    expect((await s.secrets.get(secret!.id)).wrapped).not.toBeNull();
    const done = await s.approvals.approve(principal('alice', 'admin'), approval.id, 'ok', META);
    expect(done.state).toBe('executed');
    const after = await s.secrets.get(secret!.id);
    expect(after).toMatchObject({ state: 'destroyed', wrapped: null, kcv: secret!.kcv });
    const actions = (await store.audit.list({ limit: 20 })).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['approval.request', 'approval.approve', 'secret.destroy']),
    );
  });

  it('rotates the KEK: re-wraps every secret inside the HSM, keeps the plaintext, deactivates v1', async () => {
    const records = await s.secrets.generate({
      domainId: 'sed-fleet',
      kind: 'sed-credential',
      count: 1200,
      activate: true,
      actor: 't',
      requestId: null,
    });
    const before = new Map(
      records.map((r) => [
        r.id,
        hsm.reveal(kekLabel('sed-fleet', 1), Buffer.from(r.wrapped!, 'base64')).toString('hex'),
      ]),
    );
    const progress: string[] = [];
    s.events.on('job:progress', (p) => progress.push(`${p.state}:${p.done}/${p.total}`));
    const job = await s.keks.rotateNow(principal('sam', 'security-officer'), 'sed-fleet', META);
    await expect(
      s.keks.rotateNow(principal('sam', 'security-officer'), 'sed-fleet', META),
    ).rejects.toMatchObject({ code: 'KEK_ROTATION_RUNNING' });
    s.jobs.start();
    await waitFor(async () => ((await store.jobs.find(job.id))?.state === 'succeeded' ? true : undefined));
    const domain = await s.domains.get('sed-fleet');
    expect(domain.activeKekVersion).toBe(2);
    expect(domain.keks).toEqual([
      expect.objectContaining({ version: 2, state: 'active', secretCount: 1200 }),
      expect.objectContaining({ version: 1, state: 'deactivated', secretCount: 0 }),
    ]);
    for (const r of records) {
      const now = await s.secrets.get(r.id);
      expect(now.kekVersion).toBe(2);
      expect(hsm.reveal(kekLabel('sed-fleet', 2), Buffer.from(now.wrapped!, 'base64')).toString('hex')).toBe(
        before.get(r.id),
      );
    }
    expect(progress).toContain('running:500/1200');
    expect(progress.at(-1)).toBe('succeeded:1200/1200');
  });

  it('destroys a deactivated KEK only after approval, and never one that still holds secrets', async () => {
    await s.secrets.generate({
      domainId: 'sed-fleet',
      kind: 'sed-credential',
      count: 3,
      activate: true,
      actor: 't',
      requestId: null,
    });
    const sam = principal('sam', 'security-officer');
    await expect(s.keks.requestKekDestruction(sam, 'sed-fleet', 1, 'old', META)).rejects.toMatchObject({
      code: 'KEK_IN_USE',
    });
    const job = await s.keks.rotateNow(sam, 'sed-fleet', META);
    s.jobs.start();
    await waitFor(async () => ((await store.jobs.find(job.id))?.state === 'succeeded' ? true : undefined));
    const approval = await s.keks.requestKekDestruction(sam, 'sed-fleet', 1, 'rotation finished', META);
    expect(hsm.keys.has(kekLabel('sed-fleet', 1))).toBe(true);
    await s.approvals.approve(principal('alice', 'admin'), approval.id, '', META);
    expect(hsm.keys.has(kekLabel('sed-fleet', 1))).toBe(false);
    expect((await store.keyDomains.findKek('sed-fleet', 1))?.state).toBe('destroyed');
  });

  it('deletes an empty domain and its KEKs only after approval, never one holding secrets', async () => {
    const sam = principal('sam', 'security-officer');
    await s.domains.create(
      sam,
      { id: 'tmp', description: '', purpose: 'general', rotationPeriodDays: null },
      META,
    );
    await expect(s.keks.requestDomainDeletion(sam, 'sed-fleet', 'x', META)).resolves.toBeDefined();
    await s.secrets.generate({
      domainId: 'sed-fleet',
      kind: 'sed-credential',
      count: 1,
      activate: false,
      actor: 't',
      requestId: null,
    });
    const approval = await s.keks.requestDomainDeletion(sam, 'tmp', 'test domain', META);
    expect(hsm.keys.has(kekLabel('tmp', 1))).toBe(true);
    await s.approvals.approve(principal('alice', 'admin'), approval.id, '', META);
    expect(hsm.keys.has(kekLabel('tmp', 1))).toBe(false);
    await expect(s.domains.get('tmp')).rejects.toMatchObject({ code: 'KEY_DOMAIN_NOT_FOUND' });
    await expect(s.keks.requestDomainDeletion(sam, 'sed-fleet', 'x', META)).rejects.toMatchObject({
      code: 'KEY_DOMAIN_NOT_EMPTY',
    });
  });
});
