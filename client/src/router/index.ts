import { watch, type WatchStopHandle } from 'vue';
import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router';
import { errorMessage } from '../api/http.ts';
import type { useSessionStore } from '../stores/session.ts';
import { resolveNavigation, type SessionSnapshot } from './guard.ts';
import { routes } from './routes.ts';

type SessionStore = ReturnType<typeof useSessionStore>;

function snapshot(session: SessionStore): SessionSnapshot {
  return {
    authenticated: session.isAuthenticated,
    mustChangePassword: session.mustChangePassword,
    role: session.user?.role ?? null,
  };
}

/**
 * Guards every navigation with `resolveNavigation`, after the first session restore; and
 * re-checks the current page whenever the session changes (login, logout, expiry, a password
 * change becoming required), so no view has to navigate after those itself.
 */
export function installGuards(router: Router, session: SessionStore): WatchStopHandle {
  router.beforeEach(async (to) => {
    if (!session.restored) {
      try {
        await session.restore();
      } catch (err) {
        session.notice = `The console cannot be reached: ${errorMessage(err)}`;
      }
    }
    return resolveNavigation(to, snapshot(session));
  });
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · Lockwarden` : 'Lockwarden';
  });
  return watch(
    () => [session.isAuthenticated, session.mustChangePassword, session.user?.role] as const,
    () => {
      if (!session.restored) return;
      const decision = resolveNavigation(router.currentRoute.value, snapshot(session));
      if (decision !== true) void router.replace(decision);
    },
  );
}

export function createAppRouter(
  session: SessionStore,
  history: RouterHistory = createWebHistory('/'),
): Router {
  const router = createRouter({
    history,
    routes,
    linkActiveClass: 'is-active',
    // A link to a section (`/settings#approval-policy`) scrolls to it; other navigations keep
    // the position as before.
    scrollBehavior: (to) => (to.hash ? { el: to.hash } : undefined),
  });
  installGuards(router, session);
  return router;
}
