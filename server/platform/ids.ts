import { randomBytes, randomUUID } from 'node:crypto';

/** Identifier and token generation, injected for deterministic tests. */
export interface IdGen {
  uuid(): string;
  /** URL-safe random token with `bytes` bytes of entropy. */
  token(bytes: number): string;
}

export const cryptoIds: IdGen = {
  uuid: () => randomUUID(),
  token: (bytes) => randomBytes(bytes).toString('base64url'),
};
