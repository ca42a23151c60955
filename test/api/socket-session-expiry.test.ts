import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket/events.ts';
import type { Clock } from '../../server/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

/**
 * An open socket does not outlive its session: when the session idles out (no request ends
 * it), or the user's role changes, the socket is told and closed at the next check. An open
 * socket does not itself keep the session alive.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let t: TestApp;
let url: string;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  t = await buildTestApp({ clock, socketRecheckMs: 50 });
  await new Promise<void>((resolve) => t.httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(t.httpServer.address() as AddressInfo).port}`;
  await t.createUser('olivia', 'operator');
  await t.createUser('sam', 'security-officer');
});
afterAll(async () => {
  await t.close();
});

async function openSocket(username: string): Promise<ClientSocket> {
  const { agent } = await t.login(username, `${username}-password-123`);
  const res = await agent.get('/api/auth/session');
  const cookie = (res.request as unknown as { cookies: string }).cookies;
  const socket: ClientSocket = connect(url, {
    transports: ['websocket'],
    extraHeaders: { cookie },
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

function ended(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once('session:ended', ({ reason }) => resolve(reason)));
}

describe('socket sessions', () => {
  it('stays open while the session lives, and is closed when it idles out', async () => {
    const socket = await openSocket('olivia');
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.connected).toBe(true);
    const reason = ended(socket);
    offsetMs += (t.config.session.idleTimeoutMinutes + 1) * 60_000;
    expect(await reason).toBe('expired');
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.connected).toBe(false);
    socket.close();
  });

  it('is closed when the user’s role changes under it', async () => {
    const socket = await openSocket('sam');
    const reason = ended(socket);
    const sam = await t.store.users.findByUsername('sam');
    await t.store.users.update(sam!.id, { role: 'auditor' });
    expect(await reason).toBe('expired');
    socket.close();
  });
});
