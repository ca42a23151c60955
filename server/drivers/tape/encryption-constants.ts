/** Field values of the tape data-encryption pages (reference lto-scsi.md §2-3). */

/** SECURITY PROTOCOL 0x20 page codes. 0x0010 is Capabilities on IN and Set Data Encryption on OUT. */
export const TAPE_PAGE = {
  IN_SUPPORT: 0x0000,
  OUT_SUPPORT: 0x0001,
  CAPABILITIES: 0x0010,
  KEY_FORMATS: 0x0011,
  MANAGEMENT_CAPABILITIES: 0x0012,
  DATA_ENCRYPTION_STATUS: 0x0020,
  NEXT_BLOCK_ENCRYPTION_STATUS: 0x0021,
  SET_DATA_ENCRYPTION: 0x0010,
} as const;

/** Protocol 0x00 (security protocol information) pages: they have no page header. */
export const INFO_PAGE = { SUPPORTED_PROTOCOLS: 0x0000, CERTIFICATE: 0x0001 } as const;

export const ENCRYPTION_MODE = { DISABLE: 0, EXTERNAL: 1, ENCRYPT: 2 } as const;
export const DECRYPTION_MODE = { DISABLE: 0, RAW: 1, DECRYPT: 2, MIXED: 3 } as const;

/** SCOPE (SPOUT byte 4) and the I_T NEXUS / KEY SCOPE fields of page 0x0020. */
export const SCOPE = { PUBLIC: 0, LOCAL: 1, ALL_I_T_NEXUS: 2 } as const;

/** CFG_P of page 0x0010: 01b the host may set parameters, 10b it may not (library/system managed). */
export const CFG_P = { NOT_REPORTED: 0, ALLOWED: 1, PREVENTED: 2 } as const;

/** PARAMETERS CONTROL of page 0x0020. */
export const PARAMETERS_CONTROL = { NOT_REPORTED: 0, HOST: 1, MANAGEMENT_INTERFACE: 4 } as const;

/** ENCRYPT_C / DECRYPT_C: 10b = capable in hardware (what stenc 2.0 requires). */
export const CRYPTO_CAPABLE_HARDWARE = 2;

/** SECURITY ALGORITHM CODE of AES-256-GCM with a 16-byte tag (LTO-4 and later). */
export const ALGORITHM_AES_256_GCM = 0x00010014;

export const KEY_FORMAT_PLAINTEXT = 0x00;

/** KAD FORMAT (SSC-4): 2 = ASCII key name, what stenc 2.0 sends when KADF_C is set. */
export const KAD_FORMAT = { UNSPECIFIED: 0, BINARY: 1, ASCII: 2 } as const;

export const KAD_TYPE = { U_KAD: 0x00, A_KAD: 0x01, NONCE: 0x02, M_KAD: 0x03, WK_KAD: 0x04 } as const;

/** AUTHENTICATED field of a KAD read back (data-in only). */
export const KAD_AUTH = {
  NONE: 0,
  NOT_AUTHENTICATED: 1,
  NOT_ATTEMPTED: 2,
  AUTHENTICATED: 3,
  FAILED: 4,
} as const;

/** ENCRYPTION STATUS of page 0x0021. */
export const BLOCK_ENCRYPTION = {
  UNKNOWN: 0,
  NOT_NOW: 1,
  NOT_A_BLOCK: 2,
  NOT_ENCRYPTED: 3,
  UNSUPPORTED_ALGORITHM: 4,
  ENCRYPTED: 5,
  ENCRYPTED_NO_KEY: 6,
} as const;
