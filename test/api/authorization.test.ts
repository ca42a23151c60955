import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  await t.createUser('olivia', 'operator');
  await t.createUser('audrey', 'auditor');
  await t.createUser('sam', 'security-officer');
});
afterAll(async () => {
  await t.close();
});

describe('roles', () => {
  it('lets only admins manage users', async () => {
    for (const name of ['olivia', 'audrey', 'sam']) {
      const { agent, csrf } = await t.login(name, `${name}-password-123`);
      const list = await agent.get('/api/users');
      expect(list.status).toBe(403);
      expect(list.body.error.code).toBe('AUTH_FORBIDDEN');
      const before = (await t.store.users.list()).length;
      const create = await agent
        .post('/api/users')
        .set('X-CSRF-Token', csrf)
        .send({ username: 'mallory', role: 'admin', password: 'mallory-password-1' });
      expect(create.status).toBe(403);
      expect((await t.store.users.list()).length).toBe(before);
    }
    const { agent, csrf } = await t.login();
    await agent.get('/api/users').expect(200);
    const created = await agent
      .post('/api/users')
      .set('X-CSRF-Token', csrf)
      .send({ username: 'nina', role: 'operator', password: 'nina-password-123' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'nina', role: 'operator', mustChangePassword: true });
    expect(created.body).not.toHaveProperty('passwordHash');
  });

  it('lets auditors, security officers and admins read the audit trail, but not operators', async () => {
    for (const [name, status] of [
      ['olivia', 403],
      ['audrey', 200],
      ['sam', 200],
    ] as const) {
      const { agent } = await t.login(name, `${name}-password-123`);
      expect((await agent.get('/api/audit')).status).toBe(status);
    }
  });

  it('refuses to disable or demote the last admin', async () => {
    const { agent, csrf } = await t.login();
    const admin = await t.store.users.findByUsername('admin');
    const res = await agent
      .patch(`/api/users/${admin!.id}`)
      .set('X-CSRF-Token', csrf)
      .send({ disabled: true });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('USER_LAST_ADMIN');
    expect((await t.store.users.findByUsername('admin'))!.disabled).toBe(false);
  });

  it('ends the sessions of a user who is disabled', async () => {
    await t.createUser('temp', 'operator');
    const victim = await t.login('temp', 'temp-password-123');
    await victim.agent.get('/api/fleet').expect(200);
    const { agent, csrf } = await t.login();
    const user = await t.store.users.findByUsername('temp');
    await agent
      .patch(`/api/users/${user!.id}`)
      .set('X-CSRF-Token', csrf)
      .send({ disabled: true })
      .expect(200);
    expect((await victim.agent.get('/api/fleet')).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses cookie-authenticated state changes without the token, and changes nothing', async () => {
    const { agent, csrf } = await t.login();
    const before = (await t.store.users.list()).length;
    for (const header of [undefined, 'wrong-token', csrf.slice(0, -1)]) {
      let req = agent.post('/api/users');
      if (header) req = req.set('X-CSRF-Token', header);
      const res = await req.send({ username: 'eve', role: 'operator', password: 'eve-password-1234' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('AUTH_CSRF_FAILED');
    }
    expect((await t.store.users.list()).length).toBe(before);
    const logout = await agent.post('/api/auth/logout');
    expect(logout.status).toBe(403);
    await agent.get('/api/auth/session').expect(200);
  });

  it('does not require CSRF tokens for bearer API tokens', async () => {
    const { agent, csrf } = await t.login();
    const created = await agent
      .post('/api/tokens')
      .set('X-CSRF-Token', csrf)
      .send({ name: 'ci' })
      .expect(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^lw_/);
    const res = await agent
      .post('/api/tokens')
      .set('Cookie', '')
      .set('Authorization', `Bearer ${secret}`)
      .send({ name: 'second' });
    expect(res.status).toBe(201);
  });
});
