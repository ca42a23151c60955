import type { LocationQuery, RouteLocationRaw, RouteMeta } from 'vue-router';
import type { Role } from '../../../shared/schemas/auth.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the login page). */
    public?: boolean;
    /** Reachable while a password change is pending (the change-password page). */
    passwordChange?: boolean;
    /** Roles that may open the page; every signed-in role when absent. */
    roles?: readonly Role[];
    /** Rendered without the navigation shell. */
    bare?: boolean;
    /** The page title in the header and the browser tab. */
    title?: string;
    /** The navigation item to mark current, when it is not the route itself (a drive → Drives). */
    nav?: string;
  }
}

/** What the guard needs to know about the session. */
export interface SessionSnapshot {
  authenticated: boolean;
  mustChangePassword: boolean;
  role: Role | null;
}

/** The part of a route location the guard reads. */
export interface GuardTarget {
  fullPath: string;
  meta: RouteMeta;
  query: LocationQuery;
}

export const HOME: RouteLocationRaw = { name: 'fleet' };
/** Paths that need no `?redirect=` back to them: where a login lands anyway. */
const HOME_PATHS = new Set(['/', '/fleet']);

/** Only same-site paths may be redirect targets (no `//evil.example`, no `https:`). */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
    return null;
  return value;
}

/**
 * Where a navigation may go, as a pure function of the target and the session:
 * not signed in → login (remembering where to return); a pending password change → the
 * change-password page; a page for other roles → home. `true` lets the navigation through.
 */
export function resolveNavigation(to: GuardTarget, session: SessionSnapshot): true | RouteLocationRaw {
  if (to.meta.public) {
    if (!session.authenticated) return true;
    if (session.mustChangePassword) return { name: 'change-password' };
    const back = safeRedirect(to.query.redirect);
    return back ?? HOME;
  }
  if (!session.authenticated) {
    return HOME_PATHS.has(to.fullPath)
      ? { name: 'login' }
      : { name: 'login', query: { redirect: to.fullPath } };
  }
  if (session.mustChangePassword) return to.meta.passwordChange ? true : { name: 'change-password' };
  if (to.meta.roles && (session.role === null || !to.meta.roles.includes(session.role))) return HOME;
  return true;
}
