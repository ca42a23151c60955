// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter, type RouteRecordRaw, type Router } from 'vue-router';
import { useConnectionStore } from '../stores/connection.ts';
import { useSessionStore } from '../stores/session.ts';
import { FakeSocket } from '../testing/fake-socket.ts';
import { installGuards } from './index.ts';
import { routes } from './routes.ts';

const Stub = { render: () => null };
const testRoutes = routes.map((r) => ('component' in r ? { ...r, component: Stub } : r)) as RouteRecordRaw[];

function sessionInfo(role: string, mustChangePassword = false) {
  return {
    user: {
      id: 'u1',
      username: 'ann',
      role,
      mustChangePassword,
      disabled: false,
      createdAt: '2026-01-01T00:00:00Z',
    },
    csrfToken: 'csrf-1',
    expiresAt: '2026-01-01T01:00:00Z',
  };
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const notLoggedIn = () => json(401, { error: { code: 'AUTH_REQUIRED', message: 'Log in first' } });

let server: (method: string, path: string) => Response;
let fake: FakeSocket;
let router: Router;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(async () => {
  setActivePinia(createPinia());
  fake = new FakeSocket();
  useConnectionStore().setSocketFactory(() => fake.asSocket());
  server = () => notLoggedIn();
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit) => Promise.resolve(server(init.method ?? 'GET', url))),
  );
  router = createRouter({ history: createMemoryHistory(), routes: testRoutes });
  installGuards(router, useSessionStore());
  await settle();
});
afterEach(() => vi.unstubAllGlobals());

describe('router guards with the session store', () => {
  it('sends a visitor to login, then to the page they asked for once logged in', async () => {
    await router.push('/audit');
    expect(router.currentRoute.value.fullPath).toBe('/login?redirect=/audit');

    server = (method, path) =>
      method === 'POST' && path === '/api/auth/login' ? json(200, sessionInfo('admin')) : notLoggedIn();
    await useSessionStore().login('ann', 'pw');
    await settle();
    expect(router.currentRoute.value.fullPath).toBe('/audit');
    expect(useConnectionStore().state).toBe('connecting');
  });

  it('restores a session after a reload without showing the login page', async () => {
    server = () => json(200, sessionInfo('operator'));
    await router.push('/settings');
    expect(router.currentRoute.value.fullPath).toBe('/settings');
    await router.push('/audit');
    expect(router.currentRoute.value.name).toBe('fleet');
  });

  it('holds a first login on the change-password page', async () => {
    server = () => json(200, sessionInfo('admin', true));
    await router.push('/fleet');
    expect(router.currentRoute.value.name).toBe('change-password');
    expect(useConnectionStore().state).toBe('disconnected');
  });

  it('returns to login with a notice when the server ends the session', async () => {
    server = () => json(200, sessionInfo('admin'));
    await router.push('/fleet');
    fake.serverAccepts();
    fake.fire('session:ended', { reason: 'expired' });
    await settle();
    expect(router.currentRoute.value.name).toBe('login');
    expect(useSessionStore().notice).toBe('Your session expired. Log in again.');
    expect(useConnectionStore().state).toBe('disconnected');
  });

  it('moves to the change-password page when any call says one is required', async () => {
    server = () => json(200, sessionInfo('admin'));
    await router.push('/fleet');
    server = () =>
      json(403, {
        error: { code: 'AUTH_PASSWORD_CHANGE_REQUIRED', message: 'Change your one-time password' },
      });
    const { api } = await import('../api/http.ts');
    await expect(api.call('fleet.summary')).rejects.toMatchObject({ code: 'AUTH_PASSWORD_CHANGE_REQUIRED' });
    await settle();
    expect(router.currentRoute.value.name).toBe('change-password');
  });

  it('sends the CSRF token of the session on logout and lands on login', async () => {
    server = () => json(200, sessionInfo('admin'));
    await router.push('/fleet');
    server = () => new Response(null, { status: 204 });
    await useSessionStore().logout();
    await settle();
    const calls = vi.mocked(fetch).mock.calls;
    const [url, init] = calls[calls.length - 1]!;
    expect(url).toBe('/api/auth/logout');
    expect((init!.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1');
    expect(router.currentRoute.value.name).toBe('login');
    expect(useSessionStore().notice).toBeNull();
  });
});
