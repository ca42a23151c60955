import type { Handle, Template } from 'pkcs11js';
import { DriverError } from '../core/driver-error.ts';
import type { HsmKeyAttributes } from './hsm-driver.ts';
import { p256SpkiFromEcPoint } from './hsm-codecs.ts';
import { CKA, CKK, CKM, CKO } from './pkcs11-constants.ts';
import type { Pkcs11Connection } from './pkcs11-connection.ts';
import type { OpContext } from './pkcs11-op-context.ts';
import { ecPrivateTemplate, ecPublicTemplate, hmacKeyTemplate, kekTemplate } from './pkcs11-templates.ts';

/** Long-lived token keys: create, find, describe, destroy. */

function assertLabelFree(conn: Pkcs11Connection, label: string): void {
  if (conn.findByLabel(label).length > 0)
    throw new DriverError('HSM_KEY_EXISTS', `a key labelled ${label} already exists`, { detail: { label } });
}

/** CKA_ID ties the halves of a pair together (and is what other PKCS#11 tools match on). */
function newId(conn: Pkcs11Connection): Buffer {
  return conn.p.C_GenerateRandom(conn.session, Buffer.alloc(16));
}

export function createKek(ctx: OpContext, label: string) {
  return ctx.run(() => {
    const { conn } = ctx;
    assertLabelFree(conn, label);
    conn.p.C_GenerateKey(conn.session, { mechanism: CKM.AES_KEY_GEN }, kekTemplate(label, newId(conn)));
    conn.forget(label);
    return null;
  });
}

export function createHmacKey(ctx: OpContext, label: string) {
  return ctx.run(() => {
    const { conn } = ctx;
    assertLabelFree(conn, label);
    const template = hmacKeyTemplate(label, newId(conn));
    conn.p.C_GenerateKey(conn.session, { mechanism: CKM.GENERIC_SECRET_KEY_GEN }, template);
    conn.forget(label);
    return null;
  });
}

export function createSigningKeyPair(ctx: OpContext, label: string) {
  return ctx.run(() => {
    const { conn } = ctx;
    assertLabelFree(conn, label);
    const id = newId(conn);
    const mechanism = { mechanism: CKM.EC_KEY_PAIR_GEN };
    conn.p.C_GenerateKeyPair(
      conn.session,
      mechanism,
      ecPublicTemplate(label, id),
      ecPrivateTemplate(label, id),
    );
    conn.forget(label);
    return null;
  });
}

export function hasKey(ctx: OpContext, label: string) {
  return ctx.run(() => ctx.conn.findByLabel(label).length > 0);
}

export function destroyKey(ctx: OpContext, label: string) {
  return ctx.run(() => {
    const { conn } = ctx;
    const handles = conn.findByLabel(label);
    if (handles.length === 0)
      throw new DriverError('HSM_KEY_NOT_FOUND', `no key labelled ${label}`, { detail: { label } });
    conn.forget(label);
    for (const h of handles) conn.p.C_DestroyObject(conn.session, h);
    return null;
  });
}

export function publicKeySpki(ctx: OpContext, label: string) {
  return ctx.run(() => {
    const { conn } = ctx;
    const h = conn.findKey(label, CKO.PUBLIC_KEY);
    const point = conn.p.C_GetAttributeValue(conn.session, h, [{ type: CKA.EC_POINT }])[0]?.value;
    if (!point) throw new DriverError('HSM_OPERATION_FAILED', 'the public key has no CKA_EC_POINT');
    const spki = p256SpkiFromEcPoint(point);
    const out = new Uint8Array(spki);
    return { value: out, transfer: [out.buffer] };
  });
}

const CLASS_NAMES: Record<number, HsmKeyAttributes['objectClass']> = {
  [CKO.SECRET_KEY]: 'secret-key',
  [CKO.PRIVATE_KEY]: 'private-key',
  [CKO.PUBLIC_KEY]: 'public-key',
};
const TYPE_NAMES: Record<number, HsmKeyAttributes['keyType']> = {
  [CKK.AES]: 'aes',
  [CKK.GENERIC_SECRET]: 'generic-secret',
  [CKK.EC]: 'ec',
  [CKK.RSA]: 'rsa',
};
// Asking a key for an attribute its class lacks (CKA_SENSITIVE of a public key, CKA_ENCRYPT of
// a private key) fails the whole C_GetAttributeValue: ask per class.
const BASE = ['TOKEN', 'PRIVATE', 'MODIFIABLE', 'LOCAL'];
const PROTECTION = ['SENSITIVE', 'EXTRACTABLE', 'ALWAYS_SENSITIVE', 'NEVER_EXTRACTABLE'];
const PUBLIC_USAGE = ['ENCRYPT', 'WRAP', 'VERIFY'];
const PRIVATE_USAGE = ['DECRYPT', 'UNWRAP', 'SIGN'];
const ATTRIBUTES_BY_CLASS: Record<HsmKeyAttributes['objectClass'], string[]> = {
  'secret-key': [...BASE, ...PROTECTION, ...PUBLIC_USAGE, ...PRIVATE_USAGE],
  'private-key': [...BASE, ...PROTECTION, ...PRIVATE_USAGE],
  'public-key': [...BASE, ...PUBLIC_USAGE],
  other: BASE,
};

function describeOne(conn: Pkcs11Connection, label: string, h: Handle): HsmKeyAttributes {
  const read = (names: readonly string[]): Record<string, Buffer | undefined> => {
    const template: Template = names.map((n) => ({ type: CKA[n as keyof typeof CKA] }));
    const values = conn.p.C_GetAttributeValue(conn.session, h, template);
    return Object.fromEntries(names.map((n, i) => [n, values[i]?.value]));
  };
  // CK_ULONG in host order; class and type values fit in the low 32 bits.
  const num = (b: Buffer | undefined) => (b && b.length >= 4 ? b.readUInt32LE(0) : -1);
  const head = read(['CLASS', 'KEY_TYPE']);
  const objectClass = CLASS_NAMES[num(head['CLASS'])] ?? 'other';
  const a = read(ATTRIBUTES_BY_CLASS[objectClass]);
  const flag = (n: string) => a[n]?.[0] === 1;
  const secretOnly = !a['SENSITIVE']
    ? {}
    : {
        isSensitive: flag('SENSITIVE'),
        isExtractable: flag('EXTRACTABLE'),
        isAlwaysSensitive: flag('ALWAYS_SENSITIVE'),
        isNeverExtractable: flag('NEVER_EXTRACTABLE'),
      };
  return {
    label,
    objectClass,
    keyType: TYPE_NAMES[num(head['KEY_TYPE'])] ?? 'other',
    isToken: flag('TOKEN'),
    isPrivate: flag('PRIVATE'),
    isModifiable: flag('MODIFIABLE'),
    ...secretOnly,
    isLocal: flag('LOCAL'),
    usage: {
      encrypt: flag('ENCRYPT'),
      decrypt: flag('DECRYPT'),
      wrap: flag('WRAP'),
      unwrap: flag('UNWRAP'),
      sign: flag('SIGN'),
      verify: flag('VERIFY'),
    },
  };
}

export function describeKey(ctx: OpContext, label: string) {
  return ctx.run(() => {
    const handles = ctx.conn.findByLabel(label);
    if (handles.length === 0)
      throw new DriverError('HSM_KEY_NOT_FOUND', `no key labelled ${label}`, { detail: { label } });
    return handles.map((h) => describeOne(ctx.conn, label, h));
  });
}
