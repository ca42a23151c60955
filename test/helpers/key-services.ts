import { buildServices, type ServicesHsm } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/platform/logger.ts';
import type { Principal } from '../../server/services/auth/principal.ts';
import type { TestStore } from './stores.ts';

/** The key services exactly as compose.ts wires them, with short job-runner timings. */
export function keyServices(store: TestStore, hsm: ServicesHsm, instanceId = 'test') {
  const services = buildServices({
    config: loadConfig({}),
    store,
    hsm,
    logger: createLogger({ level: 'silent' }),
    instanceId,
    jobRunner: { pollMs: 20, heartbeatMs: 50, staleAfterMs: 200, retryBaseMs: 20, reclaimAllOnStart: true },
  });
  const { events, audit, jobs, approvals, domains, secrets, keks, seals } = services;
  return { events, audit, jobs, approvals, domains, secrets, keks, seals };
}

export function principal(username: string, role: Principal['user']['role']): Principal {
  return {
    via: 'session',
    user: {
      id: `id-${username}`,
      username,
      role,
      passwordHash: '',
      mustChangePassword: false,
      disabled: false,
      createdAt: '',
      updatedAt: '',
    },
  };
}

/**
 * The people the service tests act as, as user rows: the approval policy counts who may
 * approve before it accepts a request.
 */
export async function seedPeople(store: TestStore): Promise<void> {
  for (const [username, role] of [
    ['alice', 'admin'],
    ['sam', 'security-officer'],
    ['olivia', 'operator'],
  ] as const) {
    const { user } = principal(username, role);
    if (!(await store.users.findByUsername(username))) await store.users.insert(user);
  }
}

export const META = { requestId: 'req-test', address: '127.0.0.1', userAgent: null };

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
