import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTestDir, startServer } from '../helpers/server-process.ts';

const PASSWORD = 'durability-test-password';
const dir = mkdtempSync(path.join(tmpdir(), 'lw-durable-'));
afterAll(() => removeTestDir(dir));

async function login(url: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

describe('the console process', () => {
  it('keeps users and sessions across a restart, and loses nothing acknowledged when killed mid-write', async () => {
    const env = {
      LOCKWARDEN_DATA_DIR: dir,
      LOCKWARDEN_ADMIN_PASSWORD: PASSWORD,
      LOCKWARDEN_SCENARIO: 'none',
    };
    const first = await startServer(env);
    const { cookie, csrf } = await login(first.url);
    const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };

    // Write continuously; kill -9 while requests are in flight.
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const name = `tok-${w}-${i}`;
        try {
          const res = await fetch(`${first.url}/api/tokens`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ name }),
          });
          if (res.status === 201) acknowledged.push(name);
        } catch {
          return; // connection refused after the kill
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await first.stop('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(10);

    const second = await startServer(env);
    try {
      // The old session cookie still works: sessions live in the database.
      const res = await fetch(`${second.url}/api/tokens`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const { tokens } = (await res.json()) as { tokens: { name: string }[] };
      const stored = new Set(tokens.map((t) => t.name));
      const lost = acknowledged.filter((n) => !stored.has(n));
      expect(lost).toEqual([]);
      // The audit chain survived the crash intact.
      const verify = await fetch(`${second.url}/api/audit/verification`, { headers: { cookie } });
      expect(((await verify.json()) as { ok: boolean }).ok).toBe(true);
      // The one-time password is not printed on later starts, and data files are owner-only.
      expect(second.output()).not.toMatch(/one-time password/);
      expect(statSync(path.join(dir, 'lockwarden.db')).mode & 0o077).toBe(0);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('refuses to start on invalid configuration, naming the key, and starts nothing', async () => {
    await expect(startServer({ LOCKWARDEN_DATA_DIR: dir, LOCKWARDEN_PORT: 'http' })).rejects.toThrow(
      /exited with 2:[\s\S]*port from LOCKWARDEN_PORT = "http"/,
    );
  });
});
