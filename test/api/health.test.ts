import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('health, readiness and metrics', () => {
  it('answers /healthz without authentication and without details', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 naming the failing component, never its error text', async () => {
    await request(t.app).get('/readyz').expect(200);
    t.registry.addReadinessCheck({
      name: 'hsm',
      check: () => Promise.reject(new Error('CKR_TOKEN_NOT_PRESENT at /secret/path')),
    });
    const res = await request(t.app).get('/readyz').expect(503);
    expect(res.body).toEqual({ status: 'not-ready', checks: { database: 'ok', hsm: 'failing' } });
    expect(JSON.stringify(res.body)).not.toContain('secret/path');
  });

  it('serves Prometheus metrics to authenticated callers only', async () => {
    await request(t.app).get('/metrics').expect(401);
    const { agent, csrf } = await t.login();
    const token = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'prometheus' });
    const res = await request(t.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${token.body.secret}`)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/lockwarden_http_request_duration_seconds_bucket\{[^}]*route="\/api\/tokens"/);
    expect(res.text).toMatch(/lockwarden_logins_total\{outcome="success"\} 1/);
    expect(res.text).toMatch(/lockwarden_process_resident_memory_bytes/);
  });
});
