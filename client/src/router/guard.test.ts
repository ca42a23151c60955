// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { RouteMeta } from 'vue-router';
import { resolveNavigation, safeRedirect, type SessionSnapshot } from './guard.ts';

const signedOut: SessionSnapshot = { authenticated: false, mustChangePassword: false, role: null };
const admin: SessionSnapshot = { authenticated: true, mustChangePassword: false, role: 'admin' };
const operator: SessionSnapshot = { authenticated: true, mustChangePassword: false, role: 'operator' };
const firstLogin: SessionSnapshot = { authenticated: true, mustChangePassword: true, role: 'admin' };

const to = (fullPath: string, meta: RouteMeta = {}, query: Record<string, string> = {}) => ({
  fullPath,
  meta,
  query,
});
const login = (query: Record<string, string> = {}) => to('/login', { public: true }, query);
const changePassword = to('/change-password', { passwordChange: true });
const audit = to('/audit', { roles: ['admin', 'security-officer', 'auditor'] });

describe('resolveNavigation', () => {
  it('sends a signed-out visitor to the login page, remembering where they were going', () => {
    expect(resolveNavigation(to('/settings'), signedOut)).toEqual({
      name: 'login',
      query: { redirect: '/settings' },
    });
    expect(resolveNavigation(to('/'), signedOut)).toEqual({ name: 'login' });
    expect(resolveNavigation(to('/fleet'), signedOut)).toEqual({ name: 'login' });
    expect(resolveNavigation(changePassword, signedOut)).toEqual({
      name: 'login',
      query: { redirect: '/change-password' },
    });
  });

  it('lets a signed-out visitor see the login page', () => {
    expect(resolveNavigation(login(), signedOut)).toBe(true);
  });

  it('moves a signed-in user off the login page, to the remembered page when it is on this site', () => {
    expect(resolveNavigation(login(), admin)).toEqual({ name: 'fleet' });
    expect(resolveNavigation(login({ redirect: '/audit' }), admin)).toBe('/audit');
    expect(resolveNavigation(login({ redirect: '//evil.example/x' }), admin)).toEqual({ name: 'fleet' });
  });

  it('holds a user with a pending password change on the change-password page', () => {
    expect(resolveNavigation(to('/fleet'), firstLogin)).toEqual({ name: 'change-password' });
    expect(resolveNavigation(login(), firstLogin)).toEqual({ name: 'change-password' });
    expect(resolveNavigation(changePassword, firstLogin)).toBe(true);
  });

  it('lets anyone signed in change their password voluntarily', () => {
    expect(resolveNavigation(changePassword, operator)).toBe(true);
  });

  it('keeps roles off pages that are not for them', () => {
    expect(resolveNavigation(audit, operator)).toEqual({ name: 'fleet' });
    expect(resolveNavigation(audit, admin)).toBe(true);
    expect(resolveNavigation(to('/settings'), operator)).toBe(true);
  });
});

describe('safeRedirect', () => {
  it.each([
    ['/audit?x=1', '/audit?x=1'],
    ['//evil.example', null],
    ['https://evil.example', null],
    ['/\\evil.example', null],
    [undefined, null],
    [['/a'], null],
  ])('%j → %j', (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });
});
