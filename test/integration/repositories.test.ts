import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect, type TestStore } from '../helpers/stores.ts';

const NOW = '2026-11-23T10:00:00.000Z';

function user(id: string, username: string, role: 'admin' | 'operator' = 'operator') {
  return {
    id,
    username,
    passwordHash: 'scrypt$1024$8$1$salt$hash',
    role,
    mustChangePassword: false,
    disabled: false,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

describeEachDialect('repositories', (factory) => {
  let store: TestStore;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterEach(async () => {
    await dispose();
  });

  it('stores and updates users, keeps usernames unique, counts active admins', async () => {
    await store.users.insert(user('u1', 'alice', 'admin'));
    await store.users.insert(user('u2', 'bob'));
    await expect(store.users.insert(user('u3', 'alice'))).rejects.toThrow();
    expect(await store.users.countActiveAdmins()).toBe(1);
    await store.users.update('u1', { disabled: true, updatedAt: NOW });
    expect(await store.users.countActiveAdmins()).toBe(0);
    expect((await store.users.findByUsername('alice'))?.disabled).toBe(true);
    expect((await store.users.list()).map((u) => u.username)).toEqual(['alice', 'bob']);
  });

  it('rolls back every write of a failed transaction, audit included', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.users.insert(user('u1', 'carol'));
        await tx.audit.append(
          {
            actor: 't',
            action: 'user.create',
            target: null,
            outcome: 'success',
            requestId: null,
            details: {},
          },
          NOW,
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.users.findById('u1')).toBeUndefined();
    expect(await store.audit.list({ limit: 10 })).toEqual([]);
  });

  it('runs afterCommit hooks only after a commit', async () => {
    const seen: string[] = [];
    await store.transaction(async (tx) => {
      tx.afterCommit(() => seen.push('committed'));
      await tx.users.insert(user('u1', 'dave'));
      expect(seen).toEqual([]);
    });
    await store
      .transaction((tx) => {
        tx.afterCommit(() => seen.push('never'));
        return Promise.reject(new Error('rollback'));
      })
      .catch(() => undefined);
    expect(seen).toEqual(['committed']);
  });

  it('sessions: insert, find, touch, delete per user and expire', async () => {
    await store.users.insert(user('u1', 'erin'));
    const base = { userId: 'u1', createdAt: NOW, lastSeenAt: NOW, address: '::1', userAgent: null };
    await store.sessions.insert({ ...base, idHash: 'h1', expiresAt: '2026-11-23T11:00:00.000Z' });
    await store.sessions.insert({ ...base, idHash: 'h2', expiresAt: '2026-11-23T09:00:00.000Z' });
    await store.sessions.insert({ ...base, idHash: 'h3', expiresAt: '2026-11-24T00:00:00.000Z' });
    await store.sessions.touch('h1', '2026-11-23T10:30:00.000Z');
    expect((await store.sessions.find('h1'))?.lastSeenAt).toBe('2026-11-23T10:30:00.000Z');
    expect(await store.sessions.deleteExpired(NOW, '2026-11-23T10:00:00.000Z')).toBe(2); // h2 expired, h3 idle
    expect(await store.sessions.find('h1')).toBeDefined();
    expect(await store.sessions.deleteForUser('u1', 'h1')).toEqual([]);
    expect(await store.sessions.deleteForUser('u1')).toEqual(['h1']);
  });

  it('api tokens: find by hash, revoke once, list per user', async () => {
    await store.users.insert(user('u1', 'frank'));
    const token = {
      id: 't1',
      userId: 'u1',
      name: 'ci',
      secretHash: 'abc',
      prefix: 'lw_abc',
      createdAt: NOW,
      expiresAt: '2027-01-01T00:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
    };
    await store.apiTokens.insert(token);
    expect(await store.apiTokens.findBySecretHash('abc')).toEqual(token);
    await store.apiTokens.revoke('t1', NOW);
    await store.apiTokens.revoke('t1', '2030-01-01T00:00:00.000Z');
    expect((await store.apiTokens.findById('t1'))?.revokedAt).toBe(NOW);
    expect(await store.apiTokens.listForUser('u1')).toHaveLength(1);
  });

  it('audit: appends form one chain, also when many appends race', async () => {
    const entry = (i: number) => ({
      actor: 'tester',
      action: 'test.append',
      target: `item:${i}`,
      outcome: 'success' as const,
      requestId: null,
      details: { i },
    });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.transaction((tx) => tx.audit.append(entry(i), NOW))),
    );
    const records = await store.audit.range(1, 100);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
    expect(records[0]!.prevHash).toBe('0'.repeat(64));
    const page = await store.audit.list({ limit: 5, beforeSeq: 10 });
    expect(page.map((r) => r.seq)).toEqual([9, 8, 7, 6, 5]);
    expect(await store.audit.list({ limit: 5, action: 'other' })).toEqual([]);
  });

  it('migrations are idempotent: reopening the same database keeps the data', async () => {
    await store.users.insert(user('u1', 'gina'));
    await store.ping();
  });
});
