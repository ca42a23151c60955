import type { Secret } from '../../drivers/core/secret.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import type { SedPort } from './sed-port.ts';

/**
 * Unwraps an escrowed SED credential into the password form sedutil takes, hands it to `fn`
 * (one drive call) and zeroes both forms afterwards, whatever happens.
 */
export async function withSedPassword<T>(
  deps: { secrets: ManagedSecretsService; sed: SedPort },
  secretId: string,
  use: 'protect' | 'process' | 'provision',
  ctx: { actor: string; requestId: string | null; purpose: string },
  fn: (password: Secret) => Promise<T>,
): Promise<T> {
  const raw = await deps.secrets.unwrapForUse(secretId, use, ctx);
  let password: Secret | undefined;
  try {
    password = deps.sed.passwordFromSecret(raw);
    return await fn(password);
  } finally {
    raw.dispose();
    password?.dispose();
  }
}

/** Two credentials at once (old and new, for password changes). */
export async function withTwoSedPasswords<T>(
  deps: { secrets: ManagedSecretsService; sed: SedPort },
  a: { id: string; use: 'protect' | 'process' | 'provision' },
  b: { id: string; use: 'protect' | 'process' | 'provision' },
  ctx: { actor: string; requestId: string | null; purpose: string },
  fn: (first: Secret, second: Secret) => Promise<T>,
): Promise<T> {
  return withSedPassword(deps, a.id, a.use, ctx, (first) =>
    withSedPassword(deps, b.id, b.use, ctx, (second) => fn(first, second)),
  );
}
