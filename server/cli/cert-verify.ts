import { readFileSync } from 'node:fs';
import { colonHex } from '../services/certificates/certificate-encoding.ts';
import { verifyCertificate } from '../services/certificates/verify-certificate.ts';

export const CERT_VERIFY_USAGE = 'cert verify FILE [--key PUBKEY.pem]';

interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `lockwarden cert verify FILE [--key PUBKEY.pem]`: checks a certificate of sanitization
 * offline (no database, no HSM). Exit 0 and "valid" when the signature verifies (and matches
 * the pinned key when `--key` is given); 1 with the reasons otherwise; 2 for a usage error.
 */
export function runCertVerify(args: readonly string[], io: Output): number {
  const keyAt = args.indexOf('--key');
  const keyPath = keyAt >= 0 ? args[keyAt + 1] : undefined;
  const files = args.filter((a, i) => !a.startsWith('--') && !(keyAt >= 0 && i === keyAt + 1));
  const file = files[0];
  if (file === undefined || files.length > 1 || (keyAt >= 0 && keyPath === undefined)) {
    io.err(`Usage: lockwarden ${CERT_VERIFY_USAGE}`);
    return 2;
  }
  const fail = (reasons: string[]) => {
    io.out(`invalid: ${file}`);
    for (const reason of reasons) io.out(`  - ${reason}`);
    return 1;
  };

  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code
      ? `cannot read the file (${(err as NodeJS.ErrnoException).code})`
      : 'the file is not JSON';
    return fail([why]);
  }
  let expectedPublicKey: string | undefined;
  if (keyPath !== undefined) {
    try {
      expectedPublicKey = readFileSync(keyPath, 'utf8');
    } catch (err) {
      return fail([
        `cannot read the key file ${keyPath} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      ]);
    }
  }

  const result = verifyCertificate(parsed, { expectedPublicKey });
  if (!result.ok || !result.certificate) return fail(result.reasons);
  const { document: d, signature } = result.certificate;
  io.out(
    `valid: certificate ${d.certificateId} for ${d.references.itemRef} (${d.media.type} ${d.media.serialNumber}), ` +
      `${d.sanitization.category}: ${d.sanitization.method}, completed ${d.completedAt}`,
  );
  io.out(
    `  signed by key ${colonHex(signature.keyId)} ` +
      (keyPath === undefined
        ? '(not pinned: pass --key with the console signing key to check who signed it)'
        : `(the pinned key in ${keyPath})`),
  );
  if (d.verification.result !== 'passed') {
    io.out(`  note: the certificate records a FAILED sanitization verification: ${d.verification.details}`);
  }
  return 0;
}
