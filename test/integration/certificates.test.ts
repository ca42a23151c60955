import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildServices, type Services } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { CERT_SIGNING_KEY_LABEL } from '../../server/services/certificates/certificate-signer.ts';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import { certificateInput } from '../helpers/certificates.ts';
import { MemoryHsm } from '../helpers/memory-hsm.ts';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

describeEachDialect('certificates of sanitization', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  let hsm: MemoryHsm;
  let s: Services;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
    hsm = new MemoryHsm();
    s = buildServices({
      config: loadConfig({}),
      store,
      hsm,
      logger: createLogger({ level: 'silent' }),
      instanceId: 'console-test-1',
    });
  });
  afterEach(async () => {
    await dispose();
  });

  const issueAudits = async () => (await s.audit.list({ limit: 100, action: 'certificate.issue' })).events;

  it('signs with the HSM key, stores, audits, and the stored file verifies offline against the pinned key', async () => {
    const cert = await s.certificates.issue(certificateInput());
    const d = cert.document;
    expect(d).toMatchObject({
      format: 'lockwarden.certificate-of-sanitization.v1',
      issuer: 'console-test-1',
      media: { model: 'Samsung SSD 960 EVO 250GB', source: null, serialNumber: 'S3Z1NX0K123456' },
      sanitization: { category: 'Purge' },
      destination: null,
      notes: null,
      references: { itemRef: 'sed:S3Z1NX0K123456', jobId: 'job-0001' },
    });
    expect(hsm.keys.get(CERT_SIGNING_KEY_LABEL)?.type).toBe('ec');

    const stored = await s.certificates.get(d.certificateId);
    expect(stored).toEqual(cert);
    const key = await s.certificates.signingKey();
    expect(key.keyId).toBe(cert.signature.keyId);
    expect(
      verifyCertificate(JSON.parse(JSON.stringify(stored)), { expectedPublicKey: key.publicKeyPem }),
    ).toEqual({
      ok: true,
      reasons: [],
      certificate: stored,
    });

    const [audit] = await issueAudits();
    expect(audit).toMatchObject({
      actor: 'system',
      target: 'sed:S3Z1NX0K123456',
      outcome: 'success',
      details: {
        certificateId: d.certificateId,
        eraseRequestId: 'req-0001',
        approvalId: 'appr-0001',
        itemId: 'item-S3Z1NX0K123456',
        verification: 'passed',
        keyId: cert.signature.keyId,
      },
    });
    expect((await s.seals.verify()).ok).toBe(true);
  });

  it('issues one certificate per item: a repeated call returns the first one', async () => {
    const first = await s.certificates.issue(certificateInput());
    const again = await s.certificates.issue({ ...certificateInput(), completedAt: '2026-06-01T00:00:00Z' });
    expect(again).toEqual(first);
    expect((await s.certificates.list({ limit: 10, offset: 0 })).total).toBe(1);
    expect(await issueAudits()).toHaveLength(1);
    expect(hsm.calls.get('signEcdsaSha256')).toBe(1);
    expect(hsm.calls.get('createSigningKeyPair')).toBe(1);
  });

  it("writes in the caller's transaction: a rollback leaves neither certificate nor audit record", async () => {
    await expect(
      store.transaction(async (tx) => {
        await s.certificates.issue(certificateInput(), tx);
        expect(await tx.certificates.findByItemId('item-S3Z1NX0K123456')).toBeDefined();
        throw new Error('the erase step failed after the certificate');
      }),
    ).rejects.toThrow('the erase step failed');
    expect((await s.certificates.list({ limit: 10, offset: 0 })).total).toBe(0);
    expect(await issueAudits()).toHaveLength(0);

    const committed = await store.transaction((tx) => s.certificates.issue(certificateInput(), tx));
    expect(await s.certificates.get(committed.document.certificateId)).toEqual(committed);
    expect(await issueAudits()).toHaveLength(1);
  });

  it('refuses bad input and HSM failures without writing anything', async () => {
    const bad = certificateInput();
    bad.people.approvers = [];
    await expect(s.certificates.issue(bad)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'people.approvers' })],
    });
    const tooLong = certificateInput();
    tooLong.media.serialNumber = 'S'.repeat(101);
    await expect(s.certificates.issue(tooLong)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    hsm.faults.push({ method: 'signEcdsaSha256', after: 0 });
    await expect(s.certificates.issue(certificateInput())).rejects.toMatchObject({ code: 'HSM_UNAVAILABLE' });
    expect((await s.certificates.list({ limit: 10, offset: 0 })).total).toBe(0);
    expect(await issueAudits()).toHaveLength(0);
    await expect(s.certificates.get('nope')).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_FOUND' });
  });

  it('normalises device text instead of losing the certificate of an erased item', async () => {
    const input = certificateInput();
    input.media.model = ' Samsung\u0000SSD\u0007 ';
    input.verification.details = `line 1\r\nline 2\u001b[0m\t${'x'.repeat(3000)}`;
    input.notes = 'Reason given: retire\rnow';
    const { document } = await s.certificates.issue(input);
    expect(document.media.model).toBe('Samsung SSD');
    expect(document.verification.details).toMatch(/^line 1\nline 2 \[0m\tx+…$/);
    expect(document.verification.details).toHaveLength(2000);
    expect(document.notes).toBe('Reason given: retire\nnow');
  });

  it('lists newest first, pages, and filters by item', async () => {
    for (const serial of ['A1', 'B2', 'C3', 'A1X']) {
      await s.certificates.issue(certificateInput({ serial }));
      await new Promise((r) => setTimeout(r, 2)); // distinct issue times
    }
    const all = await s.certificates.list({ limit: 2, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.certificates.map((c) => c.itemRef)).toEqual(['sed:A1X', 'sed:C3']);
    const next = await s.certificates.list({ limit: 2, offset: 2 });
    expect(next.certificates.map((c) => c.itemRef)).toEqual(['sed:B2', 'sed:A1']);
    const one = await s.certificates.list({ limit: 10, offset: 0, itemRef: 'sed:A1' });
    expect(one).toMatchObject({ total: 1, certificates: [{ itemRef: 'sed:A1', serialNumber: 'A1' }] });
    expect(one.certificates[0]).toMatchObject({
      category: 'Purge',
      verificationResult: 'passed',
      mediaType: 'NVMe SSD',
      operator: 'system',
      requestId: 'req-0001',
    });
  });
});
