import { createHash } from 'node:crypto';

/** Storage form of a high-entropy bearer secret: SHA-256 is enough (no guessing to slow down). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * The CSRF token of a session, derived from the session token so that nothing extra is
 * stored: only a page that can read the session's JSON (same origin) learns it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update('lockwarden-csrf\0').update(sessionToken).digest('base64url');
}

export const API_TOKEN_PREFIX = 'lw_';
