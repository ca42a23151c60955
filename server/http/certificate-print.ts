import { createHash } from 'node:crypto';
import type { SignedCertificate } from '../../shared/schemas/certificates.ts';
import { colonHex, spkiToPem } from '../services/certificates/certificate-encoding.ts';

const STYLE = `
body { font: 13px/1.45 system-ui, sans-serif; color: #111; margin: 24px auto; max-width: 860px; padding: 0 16px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 14px; margin: 20px 0 6px; border-bottom: 1px solid #999; padding-bottom: 2px; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; width: 32%; vertical-align: top; padding: 3px 8px 3px 0; }
td { padding: 3px 0; vertical-align: top; white-space: pre-wrap; word-break: break-word; }
code, pre, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f4f4f4; padding: 8px; white-space: pre-wrap; word-break: break-all; }
.passed { color: #075e07; font-weight: 600; }
.failed { color: #a00; font-weight: 600; }
.muted { color: #555; }
@media print { body { margin: 0; } pre { background: none; border: 1px solid #ccc; } }
`;

/** The value for `style-src`: the page's only style element, by hash (no 'unsafe-inline'). */
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** No scripts, no images, no forms, no framing, no outside requests: only the inline style above. */
export const PRINT_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function esc(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function rows(pairs: [string, string | null, string?][]): string {
  return pairs
    .map(
      ([label, value, cls]) =>
        `<tr><th>${esc(label)}</th><td${cls ? ` class="${cls}"` : ''}>${value === null ? '<span class="muted">—</span>' : esc(value)}</td></tr>`,
    )
    .join('\n');
}

/** The shell commands that check the downloaded file offline (docs/certificates.md explains them). */
export function verificationCommands(fileName: string): string {
  return [
    `# With Lockwarden (signing-key.pem from GET /api/certificates/signing-key):`,
    `npx lockwarden cert verify ${fileName} --key signing-key.pem`,
    ``,
    `# With jq and openssl only:`,
    `jq -cjS .document ${fileName} > document.json`,
    `jq -r .signature.der ${fileName} | base64 -d > signature.der`,
    `openssl dgst -sha256 -verify signing-key.pem -signature signature.der document.json`,
  ].join('\n');
}

/**
 * A self-contained printable certificate of sanitization: every field of the document, the
 * signature, the key fingerprint and the commands to verify the JSON file. Every value is
 * HTML-escaped; the page carries no script and is served with `PRINT_PAGE_CSP`.
 */
export function renderCertificatePage(cert: SignedCertificate, fileName: string): string {
  const d = cert.document;
  const s = cert.signature;
  const pem = spkiToPem(Buffer.from(s.publicKeySpki, 'base64')).trim();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>Certificate of Sanitization ${esc(d.media.serialNumber)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Certificate of Sanitization</h1>
<p class="muted">NIST SP 800-88 Rev. 1 (Appendix G) · certificate <span class="mono">${esc(d.certificateId)}</span> · issued ${esc(d.issuedAt)} by ${esc(d.issuer)}</p>

<h2>Person performing sanitization</h2>
<table>
${rows([
  ['Operator', d.people.operator],
  ['Requested by', d.people.requester],
  ['Approved by', d.people.approvers.join(', ')],
])}
</table>

<h2>Media information</h2>
<table>
${rows([
  ['Media type', d.media.type],
  ['Manufacturer', d.media.manufacturer],
  ['Model', d.media.model],
  ['Serial number / barcode', d.media.serialNumber],
  ['Media source / owner', d.media.source],
])}
</table>

<h2>Sanitization details</h2>
<table>
${rows([
  ['Category', d.sanitization.category],
  ['Method / technique', d.sanitization.method],
  ['Tool used (version)', d.sanitization.tool],
  ['Verification method', d.verification.method],
  ['Verification result', d.verification.result.toUpperCase(), d.verification.result],
  ['Verification details', d.verification.details],
  ['Completed', d.completedAt],
  ['Post-sanitization destination', d.destination],
  ['Notes', d.notes],
])}
</table>

<h2>Lockwarden references</h2>
<table>
${rows([
  ['Item', d.references.itemRef],
  ['Erase request', d.references.requestId],
  ['Approval', d.references.approvalId],
  ['Job', d.references.jobId],
  ['Item id', d.references.itemId],
  ['Format', d.format],
])}
</table>

<h2>Signature</h2>
<table>
${rows([
  ['Algorithm', `${s.alg} (ECDSA P-256, SHA-256), key held in the HSM`],
  ['Key fingerprint (SHA-256 of the public key)', colonHex(s.keyId)],
  ['Signature (r‖s, base64url)', s.value],
])}
</table>
<pre>${esc(pem)}</pre>

<h2>How to verify</h2>
<p>Download the JSON file (<span class="mono">${esc(fileName)}</span>) and check it offline. Compare the key fingerprint with the one your organisation pinned, not only with the key inside the file.</p>
<pre>${esc(verificationCommands(fileName))}</pre>
</body>
</html>
`;
}
