import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

/**
 * Plants known secret values through every path that handles one (login, password change,
 * user creation, API tokens, session cookies) and then searches all captured log lines,
 * every response body and every audit record for them.
 */
describe('no secret in logs, responses or the audit trail', () => {
  it('keeps planted passwords, session tokens and API token secrets out', async () => {
    const planted = {
      wrongPassword: 'PLANTED-wrong-password-7f3a',
      newUserPassword: 'PLANTED-new-user-password-91c2',
      changedPassword: 'PLANTED-changed-password-55de',
    };
    const bodies: string[] = [];
    const keep = (res: request.Response) => {
      bodies.push(JSON.stringify(res.body), JSON.stringify(res.headers));
      return res;
    };

    keep(
      await request(t.app)
        .post('/api/auth/login')
        .send({ username: 'admin', password: planted.wrongPassword }),
    );
    const login = keep(
      await request(t.app).post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD }),
    );
    const sessionToken = /lw_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
    const csrf = login.body.csrfToken as string;
    const agent = request.agent(t.app);
    agent.set('Cookie', `lw_session=${sessionToken}`);

    keep(
      await agent
        .post('/api/users')
        .set('X-CSRF-Token', csrf)
        .send({ username: 'planted', role: 'operator', password: planted.newUserPassword }),
    );
    const token = keep(await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'ci' }));
    const apiSecret = token.body.secret as string;
    keep(await request(t.app).get('/api/fleet').set('Authorization', `Bearer ${apiSecret}`));
    keep(
      await agent
        .post('/api/auth/password')
        .set('X-CSRF-Token', csrf)
        .send({ currentPassword: ADMIN_PASSWORD, newPassword: planted.changedPassword }),
    );
    keep(await agent.get('/api/audit'));

    const logText = t.logs.join('\n');
    const auditText = JSON.stringify(await t.store.audit.list({ limit: 500 }));
    const dbDump = JSON.stringify([
      await t.store.kysely.selectFrom('users').selectAll().execute(),
      await t.store.kysely.selectFrom('sessions').selectAll().execute(),
      await t.store.kysely.selectFrom('api_tokens').selectAll().execute(),
    ]);
    // The login and token responses legitimately carry the new session cookie and the
    // one-time token secret; everything after them must not.
    const laterBodies = bodies.filter((b) => !b.includes('"secret":') && !b.includes('set-cookie'));
    const secrets = [...Object.values(planted), ADMIN_PASSWORD, sessionToken, apiSecret, csrf];
    for (const secret of secrets) {
      expect(logText, `log contains ${secret.slice(0, 12)}…`).not.toContain(secret);
      expect(auditText).not.toContain(secret);
      expect(dbDump).not.toContain(secret);
    }
    for (const secret of [...Object.values(planted), ADMIN_PASSWORD]) {
      expect(laterBodies.join('\n')).not.toContain(secret);
    }
    expect(logText).toContain('"path":"/api/auth/login"');
  });
});
