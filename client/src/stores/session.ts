import { defineStore } from 'pinia';
import { computed, onScopeDispose, shallowRef } from 'vue';
import type { SessionInfo } from '../../../shared/schemas/auth.ts';
import { api, isApiError, setCsrfTokenSource } from '../api/http.ts';
import { useApprovalPolicyStore } from './approval-policy.ts';
import { useApprovalsStore } from './approvals.ts';
import { useCartridgesStore } from './cartridges.ts';
import { useCertificatesStore } from './certificates.ts';
import { useDriveDetailStore } from './drive-detail.ts';
import { useDrivesStore } from './drives.ts';
import { useEraseStore } from './erase.ts';
import { useAuditStore } from './audit.ts';
import { useConnectionStore } from './connection.ts';
import { useHsmStore } from './hsm.ts';
import { useJobsStore } from './jobs.ts';
import { useKeysStore } from './keys.ts';
import { useLibrariesStore } from './libraries.ts';
import { useTapePoolsStore } from './tape-pools.ts';
import { useTokensStore } from './tokens.ts';
import { useUsersStore } from './users.ts';

const ENDED_MESSAGES: Record<string, string> = {
  expired: 'Your session expired. Log in again.',
  'password-changed': 'Your password was changed in another session. Log in again.',
  logout: 'You were logged out.',
  disabled: 'Your account was disabled by an administrator.',
};

/** Why a session ended, in words for the login page. */
export function endedMessage(reason: string): string {
  return ENDED_MESSAGES[reason] ?? `Your session ended (${reason}). Log in again.`;
}

/**
 * Who is signed in. Owns the CSRF token (http.ts reads it through `setCsrfTokenSource`) and the
 * socket's lifetime: connected once the user may use the console, closed when the session ends.
 */
export const useSessionStore = defineStore('session', () => {
  const info = shallowRef<SessionInfo | null>(null);
  /** Whether the first `restore()` has finished (the router waits for it). */
  const restored = shallowRef(false);
  /** A message for the login page after the session ended without the user logging out. */
  const notice = shallowRef<string | null>(null);

  const user = computed(() => info.value?.user ?? null);
  const csrfToken = computed(() => info.value?.csrfToken ?? null);
  const isAuthenticated = computed(() => info.value !== null);
  const mustChangePassword = computed(() => info.value?.user.mustChangePassword === true);

  setCsrfTokenSource(() => csrfToken.value);
  const connection = useConnectionStore();

  function end(message: string | null): void {
    connection.disconnect();
    info.value = null;
    notice.value = message;
    useAuditStore().dehydrate();
    useApprovalsStore().dehydrate();
    useApprovalPolicyStore().dehydrate();
    useCartridgesStore().dehydrate();
    useCertificatesStore().dehydrate();
    useDriveDetailStore().dehydrate();
    useDrivesStore().dehydrate();
    useEraseStore().dehydrate();
    useHsmStore().dehydrate();
    useJobsStore().dehydrate();
    useKeysStore().dehydrate();
    useLibrariesStore().dehydrate();
    useTapePoolsStore().dehydrate();
    useTokensStore().dehydrate();
    useUsersStore().dehydrate();
  }

  function connectIfAllowed(): void {
    if (!info.value || info.value.user.mustChangePassword) return;
    connection.connect({
      onSessionEnded: (reason) => end(endedMessage(reason)),
      // The socket was refused: find out whether the session is still there.
      onRejected: () => void restore().catch(() => undefined),
    });
  }

  function accept(next: SessionInfo): void {
    info.value = next;
    notice.value = null;
    connectIfAllowed();
  }

  // Any call answered "not logged in" ends the session here too; "change your password first"
  // sends the user to the password page.
  const stopListening = api.onError((err, name) => {
    if (!info.value || name === 'auth.login' || name === 'auth.session') return;
    if (err.code === 'AUTH_REQUIRED') end(endedMessage('expired'));
    else if (err.code === 'AUTH_PASSWORD_CHANGE_REQUIRED')
      info.value = { ...info.value, user: { ...info.value.user, mustChangePassword: true } };
  });
  onScopeDispose(stopListening);

  /** Picks up an existing session (after a reload); false when there is none. */
  async function restore(): Promise<boolean> {
    try {
      accept(await api.call('auth.session'));
      return true;
    } catch (err) {
      if (isApiError(err, 'AUTH_REQUIRED')) {
        if (info.value) end(endedMessage('expired'));
        return false;
      }
      throw err;
    } finally {
      restored.value = true;
    }
  }

  async function login(username: string, password: string): Promise<void> {
    accept(await api.call('auth.login', { body: { username, password } }));
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await api.call('auth.changePassword', { body: { currentPassword, newPassword } });
    accept(await api.call('auth.session'));
  }

  /** Ends the session on the server (best effort) and here (always). */
  async function logout(): Promise<void> {
    try {
      if (info.value) await api.call('auth.logout');
    } catch {
      // Already gone on the server (expired, or the console is down): forget it here anyway.
    } finally {
      end(null);
    }
  }

  return {
    info,
    restored,
    notice,
    user,
    csrfToken,
    isAuthenticated,
    mustChangePassword,
    restore,
    login,
    changePassword,
    logout,
  };
});
