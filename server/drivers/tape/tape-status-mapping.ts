import type { EncryptionCapabilities } from './capabilities-page.ts';
import {
  ALGORITHM_AES_256_GCM,
  BLOCK_ENCRYPTION,
  CFG_P,
  CRYPTO_CAPABLE_HARDWARE,
  DECRYPTION_MODE,
  ENCRYPTION_MODE,
  KAD_AUTH,
  KAD_TYPE,
  PARAMETERS_CONTROL,
  SCOPE,
} from './encryption-constants.ts';
import type { KadDescriptor } from './page-codec.ts';
import type { DataEncryptionStatus, NextBlockEncryptionStatus } from './status-pages.ts';
import type { ManagementCapabilities } from './support-pages.ts';
import type {
  NextBlockStatus,
  TapeDriveCapabilities,
  TapeEncryptionStatus,
  TapeScope,
} from './tape-drive-driver.ts';

/** Decoded pages → the driver interface's types (pure; tested through the contract suite). */

/** Reference Appendix C step 4: AES-256-GCM with ENCRYPT_C = DECRYPT_C = 10b. */
export function toCapabilities(
  caps: EncryptionCapabilities | null,
  mgmt: ManagementCapabilities | null,
): TapeDriveCapabilities {
  const gcm = caps?.algorithms.find(
    (a) =>
      a.algorithmCode === ALGORITHM_AES_256_GCM &&
      a.encryptC === CRYPTO_CAPABLE_HARDWARE &&
      a.decryptC === CRYPTO_CAPABLE_HARDWARE,
  );
  return {
    encryption: caps !== null,
    hostControlled: caps?.cfgP === CFG_P.ALLOWED,
    ...(gcm ? { algorithmIndex: gcm.index } : {}),
    keyLength: gcm?.keyLength ?? 0,
    maxUkadLength: gcm?.maxUkadLength ?? 0,
    maxAkadLength: gcm?.maxAkadLength ?? 0,
    ukadFixed: gcm?.ukadFixed ?? false,
    kadFormat: gcm?.kadfC ?? false,
    validForMountedVolume: gcm?.avfmv ?? false,
    lock: mgmt?.lockC ?? false,
    clearOnDemount: mgmt?.ckodC ?? false,
    scopes: { public: mgmt?.publicC ?? false, local: mgmt?.localC ?? false, allNexus: mgmt?.aitnC ?? false },
    rawDecryptionControl: gcm?.rdmcC ?? 0,
  };
}

const SCOPES: Record<number, TapeScope> = {
  [SCOPE.PUBLIC]: 'public',
  [SCOPE.LOCAL]: 'local',
  [SCOPE.ALL_I_T_NEXUS]: 'all-nexus',
};
const DECRYPT: Record<number, TapeEncryptionStatus['decryptionMode']> = {
  [DECRYPTION_MODE.DISABLE]: 'disabled',
  [DECRYPTION_MODE.RAW]: 'raw',
  [DECRYPTION_MODE.DECRYPT]: 'decrypt',
  [DECRYPTION_MODE.MIXED]: 'mixed',
};

export function toEncryptionStatus(des: DataEncryptionStatus): TapeEncryptionStatus {
  const ukad = des.kads.find((k) => k.type === KAD_TYPE.U_KAD)?.data;
  const akad = des.kads.find((k) => k.type === KAD_TYPE.A_KAD)?.data;
  const keyId = ukad ? kadText(ukad) : undefined;
  return {
    scope: SCOPES[des.itNexusScope] ?? 'public',
    keyScope: SCOPES[des.keyScope] ?? 'public',
    encrypting: des.encryptionMode === ENCRYPTION_MODE.ENCRYPT,
    decryptionMode: DECRYPT[des.decryptionMode] ?? 'disabled',
    algorithmIndex: des.algorithmIndex,
    keyInstanceCounter: des.keyInstanceCounter,
    parametersControl:
      des.parametersControl === PARAMETERS_CONTROL.HOST
        ? 'host'
        : des.parametersControl === PARAMETERS_CONTROL.MANAGEMENT_INTERFACE
          ? 'management-interface'
          : des.parametersControl === PARAMETERS_CONTROL.NOT_REPORTED
            ? 'not-reported'
            : 'other',
    volumeHasEncryptedBlocks: des.vcelb,
    rawDecryptionDisabled: des.rdmd,
    ...(keyId !== undefined ? { keyId } : {}),
    ...(ukad ? { ukad } : {}),
    ...(akad ? { akad } : {}),
  };
}

const BLOCK: Record<number, NextBlockStatus['state']> = {
  [BLOCK_ENCRYPTION.UNKNOWN]: 'unknown',
  [BLOCK_ENCRYPTION.NOT_NOW]: 'not-yet',
  [BLOCK_ENCRYPTION.NOT_A_BLOCK]: 'not-a-block',
  [BLOCK_ENCRYPTION.NOT_ENCRYPTED]: 'plain',
  [BLOCK_ENCRYPTION.UNSUPPORTED_ALGORITHM]: 'unsupported-algorithm',
  [BLOCK_ENCRYPTION.ENCRYPTED]: 'encrypted',
  [BLOCK_ENCRYPTION.ENCRYPTED_NO_KEY]: 'encrypted-key-missing',
};

export function toNextBlockStatus(n: NextBlockEncryptionStatus): NextBlockStatus {
  const status: NextBlockStatus = {
    state: BLOCK[n.encryptionStatus] ?? 'unknown',
    logicalObjectNumber: n.logicalObjectNumber,
  };
  const encrypted = n.encryptionStatus >= BLOCK_ENCRYPTION.UNSUPPORTED_ALGORITHM;
  if (!encrypted) return status;
  status.algorithmIndex = n.algorithmIndex;
  const ukad = n.kads.find((k: KadDescriptor) => k.type === KAD_TYPE.U_KAD);
  const akad = n.kads.find((k: KadDescriptor) => k.type === KAD_TYPE.A_KAD);
  if (ukad) {
    status.ukad = ukad.data;
    const text = kadText(ukad.data);
    if (text !== undefined) status.keyId = text;
  }
  if (akad) status.akad = { data: akad.data, authenticated: akad.authenticated === KAD_AUTH.AUTHENTICATED };
  return status;
}

/** Printable ASCII with trailing spaces/NULs trimmed (stenc pads fixed-length U-KADs with spaces). */
export function kadText(bytes: Uint8Array): string | undefined {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
  const body = bytes.subarray(0, end);
  if (!body.every((b) => b >= 0x20 && b < 0x7f)) return undefined;
  return String.fromCharCode(...body);
}
