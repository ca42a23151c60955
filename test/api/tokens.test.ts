import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('API tokens', () => {
  it('shows the secret once, stores only its hash, and authenticates with it until revoked', async () => {
    const { agent, csrf } = await t.login();
    const created = await agent
      .post('/api/tokens')
      .set('X-CSRF-Token', csrf)
      .send({ name: 'backup-script' })
      .expect(201);
    const { secret, token } = created.body as { secret: string; token: { id: string; prefix: string } };
    expect(secret.startsWith(token.prefix)).toBe(true);

    const rows = await t.store.kysely.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    const list = await agent.get('/api/tokens').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    await request(t.app).get('/api/fleet').set('Authorization', `Bearer ${secret}`).expect(200);
    await agent.delete(`/api/tokens/${token.id}`).set('X-CSRF-Token', csrf).expect(204);
    expect((await request(t.app).get('/api/fleet').set('Authorization', `Bearer ${secret}`)).status).toBe(
      401,
    );
  });

  it("cannot revoke another user's token (404, unchanged)", async () => {
    await t.createUser('owner', 'operator');
    const owner = await t.login('owner', 'owner-password-123');
    const created = await owner.agent
      .post('/api/tokens')
      .set('X-CSRF-Token', owner.csrf)
      .send({ name: 'mine' });
    const { agent, csrf } = await t.login();
    const res = await agent.delete(`/api/tokens/${created.body.token.id}`).set('X-CSRF-Token', csrf);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('TOKEN_NOT_FOUND');
    await request(t.app).get('/api/fleet').set('Authorization', `Bearer ${created.body.secret}`).expect(200);
  });

  it('rejects expired tokens', async () => {
    const { agent, csrf } = await t.login();
    const created = await agent
      .post('/api/tokens')
      .set('X-CSRF-Token', csrf)
      .send({ name: 'short', expiresInDays: 1 });
    await t.store.kysely
      .updateTable('api_tokens')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', created.body.token.id)
      .execute();
    expect(
      (await request(t.app).get('/api/fleet').set('Authorization', `Bearer ${created.body.secret}`)).status,
    ).toBe(401);
  });
});
