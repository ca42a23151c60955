import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket/events.ts';
import type { AuditEvent } from '../../shared/schemas/audit.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let t: TestApp;
let url: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  await new Promise<void>((resolve) => t.httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(t.httpServer.address() as AddressInfo).port}`;
  await t.createUser('olivia', 'operator');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await new Promise((r) => t.httpServer.close(r));
  await t.close();
});

function open(extra: { cookie?: string; token?: string; origin?: string } = {}): ClientSocket {
  const headers: Record<string, string> = {};
  if (extra.cookie) headers.cookie = extra.cookie;
  if (extra.origin) headers.origin = extra.origin;
  const socket: ClientSocket = connect(url, {
    transports: ['websocket'],
    extraHeaders: headers,
    auth: extra.token ? { token: extra.token } : {},
    reconnection: false,
  });
  sockets.push(socket);
  return socket;
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
}

async function sessionCookie(username: string, password: string) {
  const { agent, body, csrf } = await t.login(username, password);
  const res = await agent.get('/api/auth/session');
  const cookie = (res.request as unknown as { cookies: string }).cookies;
  return { cookie, agent, csrf, body };
}

function join(socket: ClientSocket, payload: unknown): Promise<Ack<{ room: string }>> {
  return new Promise((resolve) => socket.emit('room:join', payload, resolve));
}

describe('socket.io edge', () => {
  it('refuses a connection without a session', async () => {
    await expect(connected(open())).rejects.toThrow('AUTH_REQUIRED');
  });

  it('refuses a cross-origin handshake even with a valid cookie', async () => {
    const { cookie } = await sessionCookie('admin', 'admin-password-for-tests');
    await expect(connected(open({ cookie, origin: 'http://evil.example' }))).rejects.toThrow();
  });

  it('validates room payloads and roles, and streams audit events to the audit room', async () => {
    const { cookie } = await sessionCookie('admin', 'admin-password-for-tests');
    const socket = open({ cookie });
    await connected(socket);
    expect(await join(socket, { room: 'nonsense' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await join(socket, 'audit')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await join(socket, { room: 'audit' })).toEqual({ ok: true, data: { room: 'audit' } });
    const received = new Promise<AuditEvent>((resolve) => socket.once('audit:appended', resolve));
    await t.login('olivia', 'olivia-password-123');
    expect(await received).toMatchObject({ action: 'auth.login', actor: 'olivia', outcome: 'success' });
  });

  it('does not let an operator join the audit room', async () => {
    const { cookie } = await sessionCookie('olivia', 'olivia-password-123');
    const socket = open({ cookie });
    await connected(socket);
    expect(await join(socket, { room: 'audit' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FORBIDDEN' },
    });
    expect(await join(socket, { room: 'fleet' })).toEqual({ ok: true, data: { room: 'fleet' } });
  });

  it('tells the socket its session ended at logout and disconnects it', async () => {
    const { cookie, agent, csrf } = await sessionCookie('olivia', 'olivia-password-123');
    const socket = open({ cookie });
    await connected(socket);
    const ended = new Promise<{ reason: string }>((resolve) => socket.once('session:ended', resolve));
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await agent.post('/api/auth/logout').set('X-CSRF-Token', csrf).expect(204);
    expect(await ended).toEqual({ reason: 'logout' });
    expect(await gone).toBe('io server disconnect');
  });

  it('accepts an API token in the handshake auth', async () => {
    const { agent, csrf } = await t.login();
    const created = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'socket' });
    const socket = open({ token: created.body.secret as string });
    await connected(socket);
    expect(socket.connected).toBe(true);
  });
});
