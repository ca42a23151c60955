// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiError, buildPath, buildQuery, createApiClient, errorMessage } from './http.ts';

const session = {
  user: {
    id: 'u1',
    username: 'admin',
    role: 'admin',
    mustChangePassword: false,
    disabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  csrfToken: 'csrf-123',
  expiresAt: '2026-01-01T01:00:00.000Z',
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function clientWith(response: Response | (() => Promise<Response>), csrf: string | null = 'csrf-123') {
  const fetch = vi.fn<typeof globalThis.fetch>(() =>
    typeof response === 'function' ? response() : Promise.resolve(response),
  );
  return { fetch, api: createApiClient({ fetch, csrfToken: () => csrf }) };
}

function sent(fetch: ReturnType<typeof clientWith>['fetch']) {
  const [url, init] = fetch.mock.calls[0]!;
  return { url: url as string, init: init!, headers: init!.headers as Record<string, string> };
}

describe('api.call', () => {
  it('adds the CSRF token and a JSON content type to state changes, and sends the body as JSON', async () => {
    const { fetch, api } = clientWith(json(200, session));
    await api.call('auth.login', { body: { username: 'admin', password: 'pw' } });
    const { url, init, headers } = sent(fetch);
    expect(url).toBe('/api/auth/login');
    expect(init.method).toBe('POST');
    expect(headers['X-CSRF-Token']).toBe('csrf-123');
    expect(headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ username: 'admin', password: 'pw' });
  });

  it('sends neither CSRF token nor content type on reads', async () => {
    const { fetch, api } = clientWith(json(200, session));
    await api.call('auth.session');
    const { headers, init } = sent(fetch);
    expect(headers['X-CSRF-Token']).toBeUndefined();
    expect(headers['Content-Type']).toBeUndefined();
    expect(init.body).toBeUndefined();
  });

  it('omits the CSRF header when there is no session yet', async () => {
    const { fetch, api } = clientWith(json(200, session), null);
    await api.call('auth.login', { body: { username: 'admin', password: 'pw' } });
    expect(sent(fetch).headers['X-CSRF-Token']).toBeUndefined();
  });

  it('substitutes path parameters (encoded) and serialises the query', async () => {
    const { fetch, api } = clientWith(new Response(null, { status: 204 }));
    await expect(api.call('tokens.revoke', { params: { id: 'a/b c' } })).resolves.toBeUndefined();
    expect(sent(fetch).url).toBe('/api/tokens/a%2Fb%20c');
    expect(sent(fetch).init.method).toBe('DELETE');

    const second = clientWith(json(200, { events: [], nextBeforeSeq: null }));
    await second.api.call('audit.list', { query: { beforeSeq: 40, limit: 50 } });
    expect(sent(second.fetch).url).toBe('/api/audit?beforeSeq=40&limit=50');
  });

  it('turns the error body into an ApiError with code, message, status and request id', async () => {
    const body = {
      error: {
        code: 'AUTH_RATE_LIMITED',
        message: 'Too many login attempts; try again in 60 s',
        requestId: 'req-9',
      },
    };
    const { api } = clientWith(json(429, body));
    const err = await api
      .call('auth.login', { body: { username: 'admin', password: 'x' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      code: 'AUTH_RATE_LIMITED',
      message: 'Too many login attempts; try again in 60 s',
      requestId: 'req-9',
      status: 429,
    });
  });

  it('includes validation details in the message a person sees', async () => {
    const body = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request is not valid',
        details: [{ path: 'body.password', message: 'at least 12 characters' }],
      },
    };
    const { api } = clientWith(json(400, body));
    const err = await api
      .call('users.create', {
        body: { username: 'ann', role: 'operator', password: 'short' },
      })
      .catch((e: unknown) => e);
    expect(errorMessage(err)).toBe('The request is not valid (body.password: at least 12 characters)');
  });

  it('reports an error answer that is not an error body as HTTP_ERROR', async () => {
    const { api } = clientWith(
      new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    await expect(api.call('fleet.summary')).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 502 });
  });

  it('validates the response against the route schema', async () => {
    const { api } = clientWith(json(200, { scenario: 'small-lab', classes: [{ deviceClass: 'toaster' }] }));
    const err = await api.call('fleet.summary').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RESPONSE_INVALID' });
    expect((err as ApiError).details.length).toBeGreaterThan(0);
  });

  it('returns the parsed response', async () => {
    const { api } = clientWith(json(200, { ...session, extra: 'dropped' }));
    const info = await api.call('auth.session');
    expect(info.user.username).toBe('admin');
    expect(info).not.toHaveProperty('extra');
  });

  it('reports a network failure as NETWORK_ERROR and tells error listeners', async () => {
    const { api } = clientWith(() => Promise.reject(new TypeError('Failed to fetch')));
    const listener = vi.fn();
    const stop = api.onError(listener);
    await expect(api.call('auth.session')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    expect(listener).toHaveBeenCalledWith(expect.any(ApiError), 'auth.session');
    stop();
    await expect(api.call('auth.session')).rejects.toBeInstanceOf(ApiError);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('path and query helpers', () => {
  it('refuses a missing path parameter', () => {
    expect(() => buildPath('/api/users/:id', {})).toThrow('Missing path parameter "id"');
  });
  it('skips undefined query values', () => {
    expect(buildQuery({ limit: 10, beforeSeq: undefined })).toBe('?limit=10');
    expect(buildQuery({})).toBe('');
  });
});
