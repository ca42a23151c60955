import type { Role } from '../../../shared/schemas/auth.ts';
import { AUDIT_READERS, CERTIFICATE_READERS } from '../router/routes.ts';
import { useSessionStore } from '../stores/session.ts';

/**
 * Which roles may do what, as the server's routers enforce it (server/http/routes/*). The client
 * only hides what would be refused; the server stays the authority and its refusal is shown.
 */
export const PERMISSIONS = {
  /** Create domains, change schedules, rotate, request destruction. */
  'keys.manage': ['admin', 'security-officer'],
  'approvals.read': AUDIT_READERS,
  'approvals.decide': ['admin', 'security-officer'],
  'jobs.cancel': ['admin', 'security-officer', 'operator'],
  'audit.read': AUDIT_READERS,
  /** List, download and print certificates of sanitization. */
  'certificates.read': CERTIFICATE_READERS,
  /** Discover, enroll, lock, unlock, read-only, read ranges, unlock all, request and use break-glass. */
  'sed.operate': ['admin', 'security-officer', 'operator'],
  /** Rotate a drive's credentials. */
  'sed.rotate': ['admin', 'security-officer'],
  /** Re-read the tape estate, mount and unmount cartridges, enroll cartridges, mount with a key. */
  'tape.operate': ['admin', 'security-officer', 'operator'],
  /** Define cartridge pools, scratch and retire cartridges (tape key lifecycle). */
  'tape.keys': ['admin', 'security-officer'],
  /** Request a crypto-erase (a second person approves), cancel one's own request. */
  'erase.request': ['admin', 'security-officer', 'operator'],
  /** Cancel anyone's erase request before it completes. */
  'erase.cancelAny': ['admin', 'security-officer'],
  /** Type a drive's PSID at the drive when an approved PSID revert is due. */
  'erase.psid': ['admin', 'security-officer', 'operator'],
  /** Set approval policy (approvers, expiry per action); everyone reads it. */
  'approvals.policy': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether `role` may do `permission`; nobody may while signed out. */
export function roleCan(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export interface UsePermissionsReturn {
  /** Whether the signed-in user may do `permission` (reactive: reads the session's role). */
  can: (permission: Permission) => boolean;
}

/** Role-aware actions for templates: `v-if="can('keys.manage')"`. */
export function usePermissions(): UsePermissionsReturn {
  const session = useSessionStore();
  return { can: (permission) => roleCan(session.user?.role, permission) };
}
