import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../server/services/certificates/verify-certificate.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { certificateInput } from '../helpers/certificates.ts';

let t: TestApp;
let auditor: Awaited<ReturnType<TestApp['login']>>;
let operator: Awaited<ReturnType<TestApp['login']>>;
let id: string;

beforeAll(async () => {
  t = await buildTestApp();
  const a = await t.createUser('audrey', 'auditor');
  const o = await t.createUser('olivia', 'operator');
  auditor = await t.login(a.username, a.password);
  operator = await t.login(o.username, o.password);
  const input = certificateInput();
  input.notes = 'Drive bay 3 <script>alert("x")</script> & "quoted"';
  id = (await t.services.certificates.issue(input)).document.certificateId;
  await t.services.certificates.issue(certificateInput({ serial: 'OTHER1' }));
});
afterAll(async () => {
  await t.close();
});

describe('certificates API', () => {
  it('lists certificates for readers, newest first, filtered by item', async () => {
    const all = await auditor.agent.get('/api/certificates').expect(200);
    expect(all.body.total).toBe(2);
    expect(all.body.certificates.map((c: { itemRef: string }) => c.itemRef)).toEqual([
      'sed:OTHER1',
      'sed:S3Z1NX0K123456',
    ]);
    const one = await auditor.agent.get('/api/certificates?itemRef=sed:S3Z1NX0K123456&limit=5').expect(200);
    expect(one.body).toMatchObject({ total: 1, certificates: [{ id, category: 'Purge' }] });
    const bad = await auditor.agent.get('/api/certificates?itemRef=drive:1').expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('returns the signed certificate, and as a file to keep with ?download=1', async () => {
    const res = await auditor.agent.get(`/api/certificates/${id}`).expect(200);
    expect(res.headers['content-disposition']).toBeUndefined();
    const key = await auditor.agent.get('/api/certificates/signing-key').expect(200);
    expect(key.body).toMatchObject({ alg: 'ES256', curve: 'P-256', hsmLabel: 'lw:cert-signing:v1' });
    expect(key.body.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(verifyCertificate(res.body, { expectedPublicKey: key.body.publicKeyPem })).toMatchObject({
      ok: true,
    });

    const file = await auditor.agent.get(`/api/certificates/${id}?download=1`).buffer(true).expect(200);
    expect(file.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="?certificate-${id}\\.json"?$`),
    );
    expect(file.headers['content-type']).toMatch(/^application\/json/);
    const text = typeof file.text === 'string' ? file.text : '';
    expect(verifyCertificate(JSON.parse(text), { expectedPublicKey: key.body.publicKeyPem }).ok).toBe(true);

    const missing = await auditor.agent.get('/api/certificates/no-such-certificate').expect(404);
    expect(missing.body.error.code).toBe('CERTIFICATE_NOT_FOUND');
  });

  it('serves a printable page with every field, no script, and a strict CSP', async () => {
    const res = await auditor.agent.get(`/api/certificates/${id}/print`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; /);
    expect(csp).not.toMatch(/unsafe|script-src|\*/);
    expect(res.headers['cache-control']).toBe('no-store');
    const html = res.text;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toContain(
      'Drive bay 3 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;',
    );
    const cert = (await auditor.agent.get(`/api/certificates/${id}`)).body;
    for (const text of [
      'Certificate of Sanitization',
      'NVMe SSD',
      'Samsung',
      'Samsung SSD 960 EVO 250GB',
      'S3Z1NX0K123456',
      'Purge',
      'Cryptographic Erase: TCG Opal revert with SID',
      'sedutil-cli 1.20.0',
      'PASSED',
      'rita',
      'sam',
      'system',
      'req-0001',
      'appr-0001',
      'job-0001',
      cert.signature.value,
      cert.document.issuedAt,
      cert.document.completedAt,
      '-----BEGIN PUBLIC KEY-----',
      `npx lockwarden cert verify certificate-${id}.json --key signing-key.pem`,
      'openssl dgst -sha256 -verify signing-key.pem -signature signature.der document.json',
    ])
      expect(html, text).toContain(text);
    const key = (await auditor.agent.get('/api/certificates/signing-key')).body;
    expect(html).toContain(key.fingerprintSha256);
    // The inline style is the one the CSP hash allows.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('is closed to operators', async () => {
    for (const path of [
      '/api/certificates',
      '/api/certificates/signing-key',
      `/api/certificates/${id}`,
      `/api/certificates/${id}?download=1`,
      `/api/certificates/${id}/print`,
    ]) {
      const res = await operator.agent.get(path);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 403,
        code: 'AUTH_FORBIDDEN',
      });
    }
  });
});
