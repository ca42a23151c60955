import type { Secret } from '../../drivers/core/secret.ts';

/** What kind of secret a wrapped blob holds; the HSM needs it to unwrap with the right template. */
export type HsmSecretKind = 'aes-256-key' | 'random-32';

/**
 * The HSM operations the key services use: a structural subset of `HsmDriver`
 * (server/drivers/hsm/hsm-driver.ts), so each service declares exactly what it needs and
 * tests can give it a strict fake.
 */
export interface KeyHsm {
  createKek(label: string): Promise<void>;
  hasKey(label: string): Promise<boolean>;
  destroyKey(label: string): Promise<void>;
  generateWrappedSecrets(req: {
    kekLabel: string;
    kind: HsmSecretKind;
    count: number;
  }): Promise<{ wrapped: Buffer; kcv: string }[]>;
  unwrapSecret(req: { kekLabel: string; wrapped: Buffer; kind: HsmSecretKind }): Promise<Secret>;
  rewrapSecrets(req: {
    fromKekLabel: string;
    toKekLabel: string;
    wrapped: Buffer[];
    kind: HsmSecretKind;
  }): Promise<Buffer[]>;
}

export interface SealHsm {
  hasKey(label: string): Promise<boolean>;
  createHmacKey(label: string): Promise<void>;
  hmacSha256(label: string, data: Buffer): Promise<Buffer>;
}

export function kekLabel(domainId: string, version: number): string {
  return `lw:kek:${domainId}:v${version}`;
}

export const AUDIT_SEAL_KEY_LABEL = 'lw:audit-seal:v1';
