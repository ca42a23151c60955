import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

let t: TestApp;
let agent: Awaited<ReturnType<TestApp['login']>>['agent'];
let csrf: string;
beforeAll(async () => {
  t = await buildTestApp({ env: { LOCKWARDEN_BODY_LIMIT_BYTES: '2048' } });
  ({ agent, csrf } = await t.login());
});
afterAll(async () => {
  await t.close();
});

async function userCount() {
  return (await t.store.users.list()).length;
}

describe('bad input gets a clear error and changes nothing', () => {
  it('malformed JSON → 400 BODY_NOT_JSON', async () => {
    const before = await userCount();
    const res = await agent
      .post('/api/users')
      .set('X-CSRF-Token', csrf)
      .set('Content-Type', 'application/json')
      .send('{"username": "x",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BODY_NOT_JSON');
    expect(await userCount()).toBe(before);
  });

  it('oversized body → 413 BODY_TOO_LARGE', async () => {
    const res = await agent
      .post('/api/users')
      .set('X-CSRF-Token', csrf)
      .send({ username: 'big', role: 'operator', password: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('BODY_TOO_LARGE');
  });

  it('a non-JSON body → 415 UNSUPPORTED_MEDIA_TYPE, also on the login route', async () => {
    const form = await request(t.app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('username=admin&password=x');
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await agent
      .post('/api/tokens')
      .set('X-CSRF-Token', csrf)
      .set('Content-Type', 'text/plain')
      .send('hi');
    expect(text.status).toBe(415);
  });

  it('schema violations → 400 VALIDATION_FAILED naming the field', async () => {
    const before = await userCount();
    const cases = [
      { username: 'UPPER', role: 'operator', password: 'long-enough-password' },
      { username: 'valid', role: 'root', password: 'long-enough-password' },
      { username: 'valid', role: 'operator', password: 'short' },
      { username: 'valid', role: 'operator', password: 'long-enough-password', extra: true },
      [],
    ];
    for (const body of cases) {
      const res = await agent.post('/api/users').set('X-CSRF-Token', csrf).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/^Invalid request: /);
      expect(res.body.error.details.length).toBeGreaterThan(0);
    }
    expect(await userCount()).toBe(before);
  });

  it('bad query parameters → 400', async () => {
    const res = await agent.get('/api/audit?limit=100000');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('query.limit');
  });

  it('unknown API route → 404 ROUTE_NOT_FOUND; unknown page without a bundle → 503 text', async () => {
    expect((await agent.delete('/api/users').set('X-CSRF-Token', csrf)).status).toBe(404);
    const page = await agent.get('/drives');
    expect(page.status).toBe(503);
    expect(page.text).toMatch(/vite build/);
  });

  it('errors never leak internals: unknown errors become 500 with a request id only', async () => {
    const res = await agent.get('/api/audit?beforeSeq=abc');
    expect(res.status).toBe(400);
    expect(res.body.error.requestId).toMatch(/[0-9a-f-]{36}/);
    expect(res.headers['x-request-id']).toBe(res.body.error.requestId);
  });

  it('security headers are set', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
