import type { Handle, PKCS11, Template } from 'pkcs11js';
import { DriverError } from '../core/driver-error.ts';
import type { HsmSecretKind } from './hsm-driver.ts';
import { KCV_BYTES, KCV_HMAC_MESSAGE } from './hsm-codecs.ts';
import { SECRET_LENGTH, WRAPPED_LENGTH } from './hsm-validate.ts';
import { CKA, CKM, CKO } from './pkcs11-constants.ts';
import { CKR, ckrOf, describeCkr } from './pkcs11-errors.ts';
import type { Pkcs11Connection } from './pkcs11-connection.ts';
import { asBuffer, destroyQuietly, forEachItem, type OpContext } from './pkcs11-op-context.ts';
import { sessionSecretTemplate, unwrapTemplate } from './pkcs11-templates.ts';

/**
 * Managed secrets: generate + wrap, unwrap, rewrap. Always CKM_AES_KEY_WRAP (RFC 3394): for
 * 32-byte secrets it needs no padding, gives the same 40 bytes on every HSM and matches
 * node:crypto id-aes256-wrap, while 0x210A "_PAD" means RFC 5649 on SoftHSM but PKCS#7+KW in
 * the spec (SoftHSM #726, reference §5).
 */
const WRAP = { mechanism: CKM.AES_KEY_WRAP };
const ZERO_BLOCK = Buffer.alloc(16);
const AES_ECB = { mechanism: CKM.AES_ECB };
const HMAC = { mechanism: CKM.SHA256_HMAC };

/**
 * 'random-32' is a GENERIC_SECRET key generated in the HSM rather than C_GenerateRandom +
 * C_CreateObject: the value never exists outside the HSM, it is one call instead of two, and
 * C_CreateObject is one of the pkcs11js calls that throw untyped errors.
 */
const genMechanism = (kind: HsmSecretKind) => ({
  mechanism: kind === 'aes-256-key' ? CKM.AES_KEY_GEN : CKM.GENERIC_SECRET_KEY_GEN,
});

/**
 * KCV inside the HSM (the key is sensitive): AES-ECB(0¹²⁸) or HMAC-SHA256(label); 3 bytes.
 * Computed, not read from CKA_CHECK_VALUE: on SoftHSM 2.6.1 reading that attribute (pkcs11js
 * asks for the length, then the value) costs more than the two-call encryption (about 7,600
 * vs 9,000 generate+KCV+wrap per second), and the computed value means the same on every module.
 */
function writeKcv(
  p: PKCS11,
  session: Handle,
  kind: HsmSecretKind,
  key: Handle,
  out: Buffer,
  scratch: Buffer,
) {
  let check: Buffer;
  if (kind === 'aes-256-key') {
    p.C_EncryptInit(session, AES_ECB, key);
    check = p.C_Encrypt(session, ZERO_BLOCK, scratch);
  } else {
    p.C_SignInit(session, HMAC, key);
    check = p.C_Sign(session, KCV_HMAC_MESSAGE, scratch);
  }
  check.copy(out, 0, 0, KCV_BYTES);
}

function wrapInto(p: PKCS11, session: Handle, kek: Handle, key: Handle, out: Buffer): void {
  const wrapped = p.C_WrapKey(session, WRAP, kek, key, out);
  if (wrapped.length !== WRAPPED_LENGTH)
    throw new DriverError('HSM_OPERATION_FAILED', 'the HSM returned a wrapped key of unexpected length', {
      detail: { length: wrapped.length },
    });
}

/**
 * SoftHSM 2.6.1 reports a failed RFC 3394 integrity check as CKR_GENERAL_ERROR. If the session
 * is still healthy right after, the blob was at fault, not the device.
 */
function unwrap(
  conn: Pkcs11Connection,
  kek: Handle,
  blob: Buffer,
  template: Template,
  index?: number,
): Handle {
  try {
    const key = conn.p.C_UnwrapKey(conn.session, WRAP, kek, blob, template);
    conn.noteSessionObjects(1);
    return key;
  } catch (err) {
    const ckr = ckrOf(err);
    if (ckr === undefined) throw err;
    const d = describeCkr(ckr);
    const blamesBlob =
      d.code === 'HSM_WRAPPED_KEY_INVALID' || (ckr === CKR.GENERAL_ERROR && conn.isHealthy());
    if (!blamesBlob) throw err;
    throw new DriverError('HSM_WRAPPED_KEY_INVALID', `the wrapped key does not unwrap (${d.ckrName})`, {
      detail: { ckr, ckrName: d.ckrName, ...(index === undefined ? {} : { index }) },
    });
  }
}

export async function generateWrapped(ctx: OpContext, kekLabel: string, kind: HsmSecretKind, count: number) {
  const wrapped = new Uint8Array(count * WRAPPED_LENGTH);
  const kcv = new Uint8Array(count * KCV_BYTES);
  const wrappedBuf = asBuffer(wrapped);
  const kcvBuf = asBuffer(kcv);
  const template = sessionSecretTemplate(kind);
  const mechanism = genMechanism(kind);
  const scratch = Buffer.alloc(32);
  await forEachItem(ctx, count, (i) => {
    const { conn } = ctx;
    const { p, session } = conn;
    const kek = conn.findKey(kekLabel, CKO.SECRET_KEY);
    const key = p.C_GenerateKey(session, mechanism, template);
    conn.noteSessionObjects(1);
    try {
      writeKcv(p, session, kind, key, kcvBuf.subarray(i * KCV_BYTES, (i + 1) * KCV_BYTES), scratch);
      wrapInto(p, session, kek, key, wrappedBuf.subarray(i * WRAPPED_LENGTH, (i + 1) * WRAPPED_LENGTH));
    } finally {
      destroyQuietly(p, session, key);
    }
  });
  const counters = { ...ctx.conn.counters };
  return { value: { wrapped, kcv, counters }, transfer: [wrapped.buffer, kcv.buffer] };
}

/** The one path where plaintext leaves the HSM: read once, copied into its own buffer, zeroed. */
export async function unwrapSecret(
  ctx: OpContext,
  kekLabel: string,
  kind: HsmSecretKind,
  wrapped: Uint8Array,
) {
  const out = new Uint8Array(SECRET_LENGTH);
  const template = unwrapTemplate(kind, 'export');
  await ctx.run(() => {
    const { conn } = ctx;
    const kek = conn.findKey(kekLabel, CKO.SECRET_KEY);
    const key = unwrap(conn, kek, asBuffer(wrapped), template);
    let value: Buffer | undefined;
    try {
      value = conn.p.C_GetAttributeValue(conn.session, key, [{ type: CKA.VALUE }])[0]?.value;
      if (value?.length !== SECRET_LENGTH)
        throw new DriverError('HSM_WRAPPED_KEY_INVALID', 'the unwrapped key has the wrong length', {
          detail: { length: value?.length ?? 0 },
        });
      out.set(value);
    } finally {
      value?.fill(0);
      destroyQuietly(conn.p, conn.session, key);
    }
  });
  return { value: out, transfer: [out.buffer] };
}

/** Unwrap under one KEK, wrap under the other, destroy: plaintext never leaves the HSM. */
export async function rewrap(
  ctx: OpContext,
  req: { fromKekLabel: string; toKekLabel: string; kind: HsmSecretKind; packed: Uint8Array },
) {
  const count = req.packed.length / WRAPPED_LENGTH;
  const input = asBuffer(req.packed);
  const out = new Uint8Array(req.packed.length);
  const outBuf = asBuffer(out);
  const template = unwrapTemplate(req.kind, 'rewrap');
  await forEachItem(ctx, count, (i) => {
    const { conn } = ctx;
    const from = conn.findKey(req.fromKekLabel, CKO.SECRET_KEY);
    const to = conn.findKey(req.toKekLabel, CKO.SECRET_KEY);
    const slice = (b: Buffer) => b.subarray(i * WRAPPED_LENGTH, (i + 1) * WRAPPED_LENGTH);
    const key = unwrap(conn, from, slice(input), template, i);
    try {
      wrapInto(conn.p, conn.session, to, key, slice(outBuf));
    } finally {
      destroyQuietly(conn.p, conn.session, key);
    }
  });
  return { value: out, transfer: [out.buffer] };
}
