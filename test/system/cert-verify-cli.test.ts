import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCertVerify } from '../../server/cli/cert-verify.ts';
import { certificateDocument, signedCertificate } from '../helpers/certificates.ts';

const CLI = new URL('../../scripts/lockwarden.mjs', import.meta.url).pathname;

let dir: string;
const file = (name: string) => path.join(dir, name);

/** `npx lockwarden …` as a user runs it: a separate process, no database, no HSM configured. */
function lockwarden(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    // Point the data directory somewhere empty: the command must not need it.
    env: { ...process.env, LOCKWARDEN_DATA_DIR: path.join(dir, 'no-data'), DATABASE_URL: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command in process (same code path as the binary), for the many small cases. */
function inProcess(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runCertVerify(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lw-cert-cli-'));
  const { certificate, signer } = await signedCertificate(certificateDocument());
  writeFileSync(file('certificate.json'), JSON.stringify(certificate, null, 2));
  writeFileSync(file('signing-key.pem'), (await signer.publicKey()).pem);
  const tampered = structuredClone(certificate);
  tampered.document.verification.result = 'failed';
  writeFileSync(file('tampered.json'), JSON.stringify(tampered));
  const failed = await signedCertificate({
    ...certificateDocument(),
    verification: { ...certificateDocument().verification, result: 'failed', details: 'key still present' },
  });
  writeFileSync(file('failed.json'), JSON.stringify(failed.certificate));
  writeFileSync(
    file('other-key.pem'),
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }),
  );
  writeFileSync(file('not-json.json'), '{"document":');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lockwarden cert verify (separate process)', () => {
  it('exits 0 with "valid" for a genuine certificate and the pinned key', () => {
    const r = lockwarden('cert', 'verify', 'certificate.json', '--key', 'signing-key.pem');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^valid: certificate 0196f0c2-\S+ for cartridge:ABC123L9 /);
    expect(r.stdout).toContain('(the pinned key in signing-key.pem)');
  });

  it('exits 1 with the reasons for a tampered certificate', () => {
    const r = lockwarden('cert', 'verify', 'tampered.json', '--key', 'signing-key.pem');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^invalid: tampered\.json\n {2}- the signature does not match the document/);
  });

  it('exits 2 with the usage when the file is missing', () => {
    const r = lockwarden('cert', 'verify');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: lockwarden cert verify FILE [--key PUBKEY.pem]');
  });
});

describe('lockwarden cert verify (cases)', () => {
  it('accepts an unpinned certificate and says so', () => {
    const r = inProcess(file('certificate.json'));
    expect(r.status).toBe(0);
    expect(r.out[1]).toMatch(/not pinned/);
  });

  it('refuses a certificate signed by another key than the pinned one', () => {
    const r = inProcess(file('certificate.json'), '--key', file('other-key.pem'));
    expect(r.status).toBe(1);
    expect(r.out[1]).toMatch(/not by the expected key/);
  });

  it('notes a genuine certificate that records a failed sanitization verification', () => {
    const r = inProcess(file('failed.json'));
    expect(r.status).toBe(0);
    expect(r.out.at(-1)).toMatch(/FAILED sanitization verification: key still present/);
  });

  it('answers unreadable input with exit 1 and a reason', () => {
    expect(inProcess(file('not-json.json'))).toMatchObject({
      status: 1,
      out: [expect.any(String), '  - the file is not JSON'],
    });
    expect(inProcess(file('missing.json'))).toMatchObject({
      status: 1,
      out: [expect.any(String), '  - cannot read the file (ENOENT)'],
    });
    expect(inProcess(file('certificate.json'), '--key', file('missing.pem')).status).toBe(1);
    expect(inProcess(file('certificate.json'), '--key').status).toBe(2);
    expect(inProcess('a.json', 'b.json').status).toBe(2);
  });
});
