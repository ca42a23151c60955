/**
 * The PKCS#11 2.40 numbers the driver uses, by value. Our own table rather than pkcs11js'
 * exports: those miss some (CKS_*, CKR_ACTION_PROHIBITED), and pure modules and unit tests can
 * use these without loading the native binding.
 */
export const CKA = {
  CLASS: 0x000,
  TOKEN: 0x001,
  PRIVATE: 0x002,
  LABEL: 0x003,
  VALUE: 0x011,
  CHECK_VALUE: 0x090,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SENSITIVE: 0x103,
  ENCRYPT: 0x104,
  DECRYPT: 0x105,
  WRAP: 0x106,
  UNWRAP: 0x107,
  SIGN: 0x108,
  VERIFY: 0x10a,
  DERIVE: 0x10c,
  VALUE_LEN: 0x161,
  EXTRACTABLE: 0x162,
  LOCAL: 0x163,
  NEVER_EXTRACTABLE: 0x164,
  ALWAYS_SENSITIVE: 0x165,
  MODIFIABLE: 0x170,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
} as const;

export const CKO = { PUBLIC_KEY: 2, PRIVATE_KEY: 3, SECRET_KEY: 4 } as const;
export const CKK = { RSA: 0x00, EC: 0x03, GENERIC_SECRET: 0x10, AES: 0x1f } as const;

export const CKM = {
  EC_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  AES_KEY_GEN: 0x1080,
  AES_ECB: 0x1081,
  SHA256_HMAC: 0x251,
  GENERIC_SECRET_KEY_GEN: 0x350,
  AES_KEY_WRAP: 0x2109,
  AES_KEY_WRAP_PAD: 0x210a,
} as const;

export const CKF = {
  OS_LOCKING_OK: 0x2,
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_LOCKED: 0x40000,
} as const;

export const CKU = { SO: 0, USER: 1 } as const;
export const CKS = { RO_USER_FUNCTIONS: 1, RW_USER_FUNCTIONS: 3 } as const;

/** ~0UL: "the token does not report this" (memory sizes, counts). pkcs11js gives u64 as BigInt. */
export const CK_UNAVAILABLE_INFORMATION = 0xffff_ffff_ffff_ffffn;

/** DER OID of prime256v1 / secp256r1, the CKA_EC_PARAMS of a P-256 key. */
export const P256_EC_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
