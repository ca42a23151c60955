import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('login and sessions', () => {
  it('logs in, sets an HttpOnly SameSite=Strict cookie and returns the session with a CSRF token', async () => {
    const res = await request(t.app)
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: false });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/lw_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('rejects a wrong password with 401 and a clear code, and audits it', async () => {
    const res = await request(t.app)
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    const events = await t.store.audit.list({ limit: 10 });
    expect(events[0]).toMatchObject({ action: 'auth.login', outcome: 'failure', actor: 'admin' });
  });

  it('does not store a mistyped password typed into the username field in the audit trail', async () => {
    await request(t.app)
      .post('/api/auth/login')
      .send({ username: 'Secret-Typed-Here', password: 'x' })
      .expect(401);
    const events = await t.store.audit.list({ limit: 10 });
    expect(JSON.stringify(events)).not.toContain('secret-typed-here');
    expect(events[0]).toMatchObject({ actor: 'anonymous', target: null });
  });

  it('rate-limits failed logins per user with 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      await request(t.app).post('/api/auth/login').send({ username: 'admin', password: 'nope' }).expect(401);
    }
    const res = await request(t.app)
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('AUTH_RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rate-limits attempts per address across usernames', async () => {
    const limited = await buildTestApp({ env: {} });
    try {
      let last = 0;
      for (let i = 0; i < 31; i++) {
        const res = await request(limited.app)
          .post('/api/auth/login')
          .send({ username: `user${i}`, password: 'nope' });
        last = res.status;
      }
      expect(last).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('restores the session with GET /api/auth/session and ends it on logout', async () => {
    const { agent, csrf } = await t.login();
    const session = await agent.get('/api/auth/session').expect(200);
    expect(session.body.csrfToken).toBe(csrf);
    await agent.post('/api/auth/logout').set('X-CSRF-Token', csrf).expect(204);
    const after = await agent.get('/api/auth/session');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('AUTH_REQUIRED');
  });

  it('stores only a hash of the session token', async () => {
    const res = await request(t.app)
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    const token = /lw_session=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? '';
    expect(token.length).toBeGreaterThan(20);
    const rows = await t.store.kysely.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe('one-time admin password', () => {
  it('forces a password change before anything else, then works', async () => {
    const other = await buildTestApp();
    try {
      const meta = { requestId: 't', address: '127.0.0.1', userAgent: null };
      const created = await other.services.users.create(
        { user: (await other.store.users.findByUsername('admin'))!, via: 'session' },
        { username: 'newbie', role: 'operator', password: 'initial-password-1' },
        meta,
      );
      expect(created.mustChangePassword).toBe(true);
      const { agent, csrf } = await other.login('newbie', 'initial-password-1');
      const blocked = await agent.get('/api/fleet');
      expect(blocked.status).toBe(403);
      expect(blocked.body.error.code).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');
      const weak = await agent
        .post('/api/auth/password')
        .set('X-CSRF-Token', csrf)
        .send({ currentPassword: 'initial-password-1', newPassword: 'short' });
      expect(weak.status).toBe(400);
      await agent
        .post('/api/auth/password')
        .set('X-CSRF-Token', csrf)
        .send({ currentPassword: 'initial-password-1', newPassword: 'a much better passphrase' })
        .expect(204);
      await agent.get('/api/fleet').expect(200);
    } finally {
      await other.close();
    }
  });
});
