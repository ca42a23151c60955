import { expect } from 'vitest';

/** One authenticated REST call against a console process; the body parsed, or {} when there is none. */
export type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/** Logs in over HTTP (cookie + CSRF token) and returns a caller for that session. */
export async function session(url: string, username: string, password: string): Promise<Call> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method, p, body) => {
    const r = await fetch(`${url}${p}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `fn` returns something other than undefined; throws after `ms`. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 120_000, everyMs = 100): Promise<T> {
  for (let waited = 0; waited < ms; waited += everyMs) {
    const v = await fn();
    if (v !== undefined) return v;
    await sleep(everyMs);
  }
  throw new Error('timed out');
}
