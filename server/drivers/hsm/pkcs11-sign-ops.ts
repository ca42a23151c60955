import { DriverError } from '../core/driver-error.ts';
import { CKM, CKO } from './pkcs11-constants.ts';
import { asBuffer, forEachItem, type OpContext } from './pkcs11-op-context.ts';

/** HMAC (audit seal), ECDSA (certificates of sanitization) and the RNG. */

const HMAC_LENGTH = 32;

export async function hmacBatch(ctx: OpContext, label: string, data: Uint8Array[]) {
  const out = new Uint8Array(data.length * HMAC_LENGTH);
  const outBuf = asBuffer(out);
  await forEachItem(ctx, data.length, (i) => {
    const { conn } = ctx;
    const key = conn.findKey(label, CKO.SECRET_KEY);
    const input = data[i]!;
    const out = outBuf.subarray(i * HMAC_LENGTH, (i + 1) * HMAC_LENGTH);
    conn.p.C_SignInit(conn.session, { mechanism: CKM.SHA256_HMAC }, key);
    // An empty input is a NULL pointer to SoftHSM (CKR_ARGUMENTS_BAD, and the operation stays
    // active): finish without data instead, which is the HMAC of the empty message.
    const mac =
      input.length === 0
        ? conn.p.C_SignFinal(conn.session, out)
        : conn.p.C_Sign(conn.session, asBuffer(input), out);
    if (mac.length !== HMAC_LENGTH) throw new DriverError('HSM_OPERATION_FAILED', 'unexpected HMAC length');
  });
  return { value: out, transfer: [out.buffer] };
}

/** CKM_ECDSA over a digest made by the caller: SoftHSM 2.6.1 has no CKM_ECDSA_SHA256. */
export function signDigest(ctx: OpContext, label: string, digest: Uint8Array) {
  return ctx.run(() => {
    const { conn } = ctx;
    const key = conn.findKey(label, CKO.PRIVATE_KEY);
    conn.p.C_SignInit(conn.session, { mechanism: CKM.ECDSA }, key);
    const sig = conn.p.C_Sign(conn.session, asBuffer(digest), Buffer.alloc(132));
    const out = new Uint8Array(sig);
    return { value: out, transfer: [out.buffer] };
  });
}

export function random(ctx: OpContext, n: number) {
  return ctx.run(() => {
    const out = new Uint8Array(n);
    ctx.conn.p.C_GenerateRandom(ctx.conn.session, asBuffer(out));
    return { value: out, transfer: [out.buffer] };
  });
}
