import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedCertificate } from '../../shared/schemas/certificates.ts';
import { verificationCommands } from '../../server/http/certificate-print.ts';
import { canonicalCertificateBytes } from '../../server/services/certificates/certificate-encoding.ts';
import { certificateDocument, signedCertificate } from '../helpers/certificates.ts';

/**
 * Runs the shell recipes of docs/certificates.md (and the commands on the printable page) with
 * the real jq and openssl against a signed certificate, so the documentation stays true.
 */
const DOC = readFileSync(new URL('../../docs/certificates.md', import.meta.url), 'utf8');

function recipe(name: string): string {
  const match = new RegExp(`<!-- recipe: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!match?.[1]) throw new Error(`docs/certificates.md has no recipe "${name}"`);
  return match[1];
}

let dir: string;
let certificate: SignedCertificate;

function run(script: string, cwd = dir) {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A working directory with certificate.json (as downloaded: pretty-printed) and signing-key.pem. */
function workdir(cert: SignedCertificate, keyPem: string): string {
  const d = mkdtempSync(path.join(dir, 'case-'));
  writeFileSync(path.join(d, 'certificate.json'), `${JSON.stringify(cert, null, 2)}\n`);
  writeFileSync(path.join(d, 'signing-key.pem'), keyPem);
  return d;
}

let pinnedPem: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lw-cert-recipes-'));
  const signed = await signedCertificate(certificateDocument());
  certificate = signed.certificate;
  pinnedPem = (await signed.signer.publicKey()).pem;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/certificates.md recipes', () => {
  it('has the tools it documents', () => {
    expect(execFileSync('openssl', ['version'], { encoding: 'utf8' })).toMatch(/OpenSSL/);
    expect(execFileSync('jq', ['--version'], { encoding: 'utf8' })).toMatch(/jq/);
  });

  it('jq and the node one-liner make the bytes the signer signed (non-ASCII, quotes, tabs, newlines)', () => {
    const d = workdir(certificate, pinnedPem);
    const signed = canonicalCertificateBytes(certificate.document);
    expect(signed.toString('utf8')).toContain('東京 😀');
    const bytes = execFileSync('jq', ['-cjS', '.document', 'certificate.json'], { cwd: d });
    expect(bytes.equals(signed)).toBe(true);
    expect(run(recipe('node').split('\n')[0]!, d).status).toBe(0);
    expect(readFileSync(path.join(d, 'document.json')).equals(signed)).toBe(true);
  });

  for (const name of ['openssl', 'node', 'embedded-key']) {
    it(`verifies a genuine certificate with the "${name}" recipe`, () => {
      const r = run(recipe(name), workdir(certificate, pinnedPem));
      expect(r).toEqual({ status: 0, out: 'Verified OK\n' });
    });

    it(`fails the "${name}" recipe when the document was changed`, () => {
      const tampered = structuredClone(certificate);
      tampered.document.media.serialNumber = 'ABC124L9';
      const r = run(recipe(name), workdir(tampered, pinnedPem));
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/Verification failure/i);
    });
  }

  it('fails the openssl recipe for a certificate signed by another key than the pinned one', () => {
    const otherPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    const r = run(recipe('openssl'), workdir(certificate, otherPem));
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/Verification failure/i);
  });

  it('computes the key fingerprint the certificate names as keyId', () => {
    const r = run(recipe('fingerprint'), workdir(certificate, pinnedPem));
    expect(r.status).toBe(0);
    const [fromKey, fromFile] = r.out.trim().split('\n');
    expect(fromKey).toMatch(/^[0-9a-f]{64}$/);
    expect(fromKey).toBe(fromFile);
  });

  it('the commands on the printable page verify too', () => {
    const lines = verificationCommands('certificate.json').split('\n');
    const openssl = lines.slice(lines.indexOf('# With jq and openssl only:') + 1).join('\n');
    expect(run(openssl, workdir(certificate, pinnedPem))).toEqual({ status: 0, out: 'Verified OK\n' });
  });
});
