import type { Secret } from '../../drivers/core/secret.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { sedPasswordFromSecret } from '../../drivers/sed/sed-password.ts';

/**
 * Unwraps an escrowed SED credential into the password form sedutil takes, hands it to `fn`
 * (one drive call) and zeroes both forms afterwards, whatever happens.
 */
export async function withSedPassword<T>(
  deps: { secrets: ManagedSecretsService },
  secretId: string,
  use: 'protect' | 'process' | 'provision',
  ctx: { actor: string; requestId: string | null; purpose: string },
  fn: (password: Secret) => Promise<T>,
): Promise<T> {
  const raw = await deps.secrets.unwrapForUse(secretId, use, ctx);
  let password: Secret | undefined;
  try {
    password = sedPasswordFromSecret(raw);
    return await fn(password);
  } finally {
    raw.dispose();
    password?.dispose();
  }
}

/** Two credentials at once (old and new, for password changes). */
export async function withTwoSedPasswords<T>(
  deps: { secrets: ManagedSecretsService },
  a: { id: string; use: 'protect' | 'process' | 'provision' },
  b: { id: string; use: 'protect' | 'process' | 'provision' },
  ctx: { actor: string; requestId: string | null; purpose: string },
  fn: (first: Secret, second: Secret) => Promise<T>,
): Promise<T> {
  return withSedPassword(deps, a.id, a.use, ctx, (first) =>
    withSedPassword(deps, b.id, b.use, ctx, (second) => fn(first, second)),
  );
}

/**
 * Generates a new SID and Admin1 credential for a drive in the HSM and commits them, wrapped
 * and pre-active, before any drive sees them (invariant 1). Returns their secret ids.
 */
export async function escrowSedCredentials(
  secrets: ManagedSecretsService,
  serial: string,
  actor: string,
): Promise<{ sid: string; admin1: string }> {
  const [sid, admin1] = await secrets.generate({
    domainId: SED_DOMAIN,
    kind: 'sed-credential',
    count: 2,
    ownerRefs: [`sed:${serial}:sid`, `sed:${serial}:admin1`],
    activate: false,
    actor,
    requestId: null,
  });
  if (!sid || !admin1) throw new Error('credential generation returned too few secrets');
  return { sid: sid.id, admin1: admin1.id };
}

/** The key domain that holds every SED credential. */
export const SED_DOMAIN = 'sed-fleet';
