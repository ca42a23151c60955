import type { Template } from 'pkcs11js';
import type { HsmSecretKind } from './hsm-driver.ts';
import { CKA, CKK, CKO, P256_EC_PARAMS } from './pkcs11-constants.ts';

/**
 * Attribute templates, in one place so the key policy of ARCHITECTURE.md §5 is reviewable at a
 * glance. Every boolean is explicit: token defaults differ between vendors.
 */

const usage = (on: { encrypt?: boolean; wrap?: boolean; sign?: boolean; derive?: boolean }): Template => [
  { type: CKA.ENCRYPT, value: on.encrypt ?? false },
  { type: CKA.DECRYPT, value: false },
  { type: CKA.WRAP, value: on.wrap ?? false },
  { type: CKA.UNWRAP, value: on.wrap ?? false },
  { type: CKA.SIGN, value: on.sign ?? false },
  { type: CKA.VERIFY, value: on.sign ?? false },
  { type: CKA.DERIVE, value: on.derive ?? false },
];

/** A long-lived token key nobody can read, copy out or re-flag. */
const protectedTokenKey = (label: string, id: Buffer): Template => [
  { type: CKA.TOKEN, value: true },
  { type: CKA.PRIVATE, value: true },
  { type: CKA.SENSITIVE, value: true },
  { type: CKA.EXTRACTABLE, value: false },
  { type: CKA.MODIFIABLE, value: false },
  { type: CKA.LABEL, value: label },
  { type: CKA.ID, value: id },
];

/** KEK: wraps and unwraps, nothing else (no ENCRYPT: it must not be usable as a data key). */
export const kekTemplate = (label: string, id: Buffer): Template => [
  { type: CKA.CLASS, value: CKO.SECRET_KEY },
  { type: CKA.KEY_TYPE, value: CKK.AES },
  { type: CKA.VALUE_LEN, value: 32 },
  ...protectedTokenKey(label, id),
  ...usage({ wrap: true }),
];

/** HMAC key of the audit seal; 32 bytes is SoftHSM's minimum for CKM_SHA256_HMAC. */
export const hmacKeyTemplate = (label: string, id: Buffer): Template => [
  { type: CKA.CLASS, value: CKO.SECRET_KEY },
  { type: CKA.KEY_TYPE, value: CKK.GENERIC_SECRET },
  { type: CKA.VALUE_LEN, value: 32 },
  ...protectedTokenKey(label, id),
  ...usage({ sign: true }),
];

export const ecPublicTemplate = (label: string, id: Buffer): Template => [
  { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
  { type: CKA.KEY_TYPE, value: CKK.EC },
  { type: CKA.TOKEN, value: true },
  { type: CKA.PRIVATE, value: false },
  { type: CKA.MODIFIABLE, value: false },
  { type: CKA.VERIFY, value: true },
  { type: CKA.EC_PARAMS, value: P256_EC_PARAMS },
  { type: CKA.LABEL, value: label },
  { type: CKA.ID, value: id },
];

export const ecPrivateTemplate = (label: string, id: Buffer): Template => [
  { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
  { type: CKA.KEY_TYPE, value: CKK.EC },
  ...protectedTokenKey(label, id),
  { type: CKA.SIGN, value: true },
  { type: CKA.DECRYPT, value: false },
  { type: CKA.DERIVE, value: false },
  { type: CKA.UNWRAP, value: false },
];

const keyType = (kind: HsmSecretKind): number => (kind === 'aes-256-key' ? CKK.AES : CKK.GENERIC_SECRET);

/**
 * A freshly generated managed secret: a SESSION object that lives for one wrap. Extractable (to
 * be wrapped) but sensitive (CKA_VALUE unreadable); ENCRYPT or SIGN only so the HSM can compute
 * the KCV (AES-ECB of a zero block, or HMAC for a password).
 */
export const sessionSecretTemplate = (kind: HsmSecretKind): Template => [
  { type: CKA.CLASS, value: CKO.SECRET_KEY },
  { type: CKA.KEY_TYPE, value: keyType(kind) },
  { type: CKA.VALUE_LEN, value: 32 },
  { type: CKA.TOKEN, value: false },
  { type: CKA.PRIVATE, value: true },
  { type: CKA.SENSITIVE, value: true },
  { type: CKA.EXTRACTABLE, value: true },
  ...usage(kind === 'aes-256-key' ? { encrypt: true } : { sign: true }),
];

/**
 * Unwrap target. 'export': readable once by the worker (unwrapSecret). 'rewrap': stays sensitive,
 * extractable only so it can be wrapped under the new KEK. The value length comes from the blob.
 */
export const unwrapTemplate = (kind: HsmSecretKind, purpose: 'export' | 'rewrap'): Template => [
  { type: CKA.CLASS, value: CKO.SECRET_KEY },
  { type: CKA.KEY_TYPE, value: keyType(kind) },
  { type: CKA.TOKEN, value: false },
  { type: CKA.PRIVATE, value: true },
  { type: CKA.SENSITIVE, value: purpose === 'rewrap' },
  { type: CKA.EXTRACTABLE, value: true },
  ...usage({}),
];

/** Test-only known-value session keys (import-known-key hook). */
export const knownKeyTemplate = (label: string, type: 'aes-kek' | 'hmac', value: Buffer): Template => [
  { type: CKA.CLASS, value: CKO.SECRET_KEY },
  { type: CKA.KEY_TYPE, value: type === 'aes-kek' ? CKK.AES : CKK.GENERIC_SECRET },
  { type: CKA.TOKEN, value: false },
  { type: CKA.SENSITIVE, value: true },
  { type: CKA.EXTRACTABLE, value: false },
  { type: CKA.LABEL, value: label },
  { type: CKA.VALUE, value },
  ...usage(type === 'aes-kek' ? { wrap: true } : { sign: true }),
];
