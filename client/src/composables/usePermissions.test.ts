// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { ROLES } from '../../../shared/schemas/auth.ts';
import { useSessionStore } from '../stores/session.ts';
import { roleCan, usePermissions, type Permission } from './usePermissions.ts';

beforeEach(() => setActivePinia(createPinia()));

describe('roleCan', () => {
  it.each<[Permission, string[]]>([
    ['keys.manage', ['admin', 'security-officer']],
    ['approvals.read', ['admin', 'security-officer', 'auditor']],
    ['approvals.decide', ['admin', 'security-officer']],
    ['jobs.cancel', ['admin', 'security-officer', 'operator']],
    ['audit.read', ['admin', 'security-officer', 'auditor']],
    ['sed.operate', ['admin', 'security-officer', 'operator']],
    ['sed.rotate', ['admin', 'security-officer']],
    ['tape.operate', ['admin', 'security-officer', 'operator']],
    ['tape.keys', ['admin', 'security-officer']],
    ['erase.request', ['admin', 'security-officer', 'operator']],
    ['erase.cancelAny', ['admin', 'security-officer']],
  ])('%s: %j', (permission, allowed) => {
    expect(ROLES.filter((role) => roleCan(role, permission))).toEqual(
      ROLES.filter((role) => allowed.includes(role)),
    );
    expect(roleCan(null, permission)).toBe(false);
  });
});

describe('usePermissions', () => {
  it('follows the signed-in user’s role', () => {
    const session = useSessionStore();
    const { can } = usePermissions();
    expect(can('keys.manage')).toBe(false);
    const user = {
      id: 'u1',
      username: 'olga',
      role: 'operator' as const,
      mustChangePassword: false,
      disabled: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    session.info = { user, csrfToken: 'c', expiresAt: '2026-01-01T01:00:00.000Z' };
    expect(can('jobs.cancel')).toBe(true);
    expect(can('keys.manage')).toBe(false);
    session.info = { ...session.info, user: { ...user, role: 'security-officer' } };
    expect(can('keys.manage')).toBe(true);
  });
});
