// The console the Drives suite runs against: the real process (`server/main.ts`, as `npm start`
// runs it) on the simulated `small-lab` fleet, with `sedsim` to play the hardware (power loss,
// faults) on the same state file, and API sessions to set up users around the browser.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServerProcess } from '../helpers/start-server-process.ts';
import { ROOT } from './browser.ts';

const run = promisify(execFile);

export interface SedConsole {
  url: string;
  adminPassword: string;
  /** Runs `hardware-sims/bin/sedsim ARGS` on the console's fleet; resolves with its stdout. */
  sedsim(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** A logged-in API session (cookie + CSRF token) for setting things up around the browser. */
export async function apiSession(url: string, username: string, password: string) {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: url },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`login as ${username}: HTTP ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return (method: string, pathname: string, body?: unknown): Promise<Response> =>
    fetch(`${url}${pathname}`, {
      method,
      headers: { 'Content-Type': 'application/json', Origin: url, Cookie: cookie, 'X-CSRF-Token': csrfToken },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
}

/** Creates a user through the API and sets its first password, so the browser can log in. */
export async function createUser(
  console_: Pick<SedConsole, 'url' | 'adminPassword'>,
  username: string,
  role: string,
  password: string,
): Promise<void> {
  const admin = await apiSession(console_.url, 'admin', console_.adminPassword);
  const first = `${password}-first`;
  const created = await admin('POST', '/api/users', { username, role, password: first });
  if (!created.ok) throw new Error(`create ${username}: HTTP ${created.status} ${await created.text()}`);
  const user = await apiSession(console_.url, username, first);
  const changed = await user('POST', '/api/auth/password', { currentPassword: first, newPassword: password });
  if (!changed.ok) throw new Error(`password of ${username}: HTTP ${changed.status} ${await changed.text()}`);
}

export async function startSedConsole(adminPassword: string): Promise<SedConsole> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lockwarden-drives-e2e-'));
  const server = await startServerProcess({
    adminPassword,
    env: { LOCKWARDEN_LOG_LEVEL: 'warn', LOCKWARDEN_DATA_DIR: dataDir },
  });
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const admin = await apiSession(server.url, 'admin', adminPassword);
  const res = await admin('GET', '/api/sed-drives');
  if (!res.ok) {
    await stop();
    throw new Error(`The console lists no SED drives (HTTP ${res.status}): ${await res.text()}`);
  }
  const env = { ...process.env, LOCKWARDEN_SED_SIM_STATE: path.join(dataDir, 'sed-sim', 'state.json') };
  return {
    url: server.url,
    adminPassword,
    sedsim: async (...args) =>
      (await run(path.join(ROOT, 'hardware-sims/bin/sedsim'), args, { env, cwd: ROOT })).stdout,
    stop,
  };
}
