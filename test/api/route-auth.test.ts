import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { concretePath, listRoutes } from '../helpers/list-routes.ts';

/** Routes that answer without authentication, each for a stated reason. */
const PUBLIC = new Map([
  ['GET /healthz', 'liveness probe'],
  ['GET /readyz', 'readiness probe'],
  ['POST /api/auth/login', 'the way in'],
  ['GET /{*path}', 'the dashboard bundle (static files, no data)'],
]);

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('every route requires authentication', () => {
  it('finds the registered routes', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes).toContainEqual({ method: 'GET', path: '/api/users' });
  });

  it('answers 401 AUTH_REQUIRED to every non-public route without credentials', async () => {
    const routes = listRoutes(t.app).filter((r) => !PUBLIC.has(`${r.method} ${r.path}`));
    for (const { method, path } of routes) {
      const agent = request(t.app);
      const call = agent[method.toLowerCase() as 'get'].bind(agent);
      const res = await call(concretePath(path)).set('Content-Type', 'application/json');
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({
        route: `${method} ${path}`,
        status: 401,
      });
      expect(res.body.error?.code ?? 'AUTH_REQUIRED').toBe('AUTH_REQUIRED');
    }
  });

  it('answers 401 to a forged, expired-looking or malformed bearer token', async () => {
    for (const header of ['Bearer lw_not-a-real-token-at-all', 'Bearer x', 'Basic YWRtaW46YWRtaW4=']) {
      const res = await request(t.app).get('/api/fleet').set('Authorization', header);
      expect(res.status).toBe(401);
    }
  });

  it('lists no public route it does not know about', () => {
    const registered = new Set(listRoutes(t.app).map((r) => `${r.method} ${r.path}`));
    for (const key of PUBLIC.keys()) expect(registered.has(key), key).toBe(true);
  });

  it('unknown API routes need auth first, then 404 with ROUTE_NOT_FOUND', async () => {
    await request(t.app).get('/api/nope').expect(401);
    const { agent } = await t.login();
    const res = await agent.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});
