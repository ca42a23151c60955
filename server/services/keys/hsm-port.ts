import type { HsmDriver, HsmSecretKind } from '../../drivers/hsm/hsm-driver.ts';

export type { HsmSecretKind };

/**
 * The HSM operations the key services use: a subset of `HsmDriver`, so each service declares
 * exactly what it needs and tests can give it a strict fake.
 */
export type KeyHsm = Pick<
  HsmDriver,
  'createKek' | 'hasKey' | 'destroyKey' | 'generateWrappedSecrets' | 'unwrapSecret' | 'rewrapSecrets'
>;

export type SealHsm = Pick<HsmDriver, 'hasKey' | 'createHmacKey' | 'hmacSha256'>;

export function kekLabel(domainId: string, version: number): string {
  return `lw:kek:${domainId}:v${version}`;
}

export const AUDIT_SEAL_KEY_LABEL = 'lw:audit-seal:v1';
