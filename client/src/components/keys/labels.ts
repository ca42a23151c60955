import type { KeyDomain } from '../../../../shared/schemas/keys.ts';
import type { BadgeTone } from '../common/StatusBadge.vue';

export type KekState = KeyDomain['keks'][number]['state'];

export const KEK_STATE_TONE: Record<KekState, BadgeTone> = {
  active: 'ok',
  retiring: 'info',
  deactivated: 'warn',
  destroyed: 'neutral',
};

export const PURPOSE_LABELS: Record<KeyDomain['purpose'], string> = {
  sed: 'SED credentials',
  tape: 'Tape data keys',
  general: 'General',
};

/** The approval target the server uses for a KEK version: `kek:sed-fleet:v1`. */
export function kekTarget(domainId: string, version: number): string {
  return `kek:${domainId}:v${version}`;
}

/** Tones for the NIST SP 800-57 key states (a state the client does not know reads neutral). */
export const KEY_STATE_TONE: Record<string, BadgeTone> = {
  'pre-active': 'info',
  active: 'ok',
  suspended: 'warn',
  deactivated: 'neutral',
  compromised: 'bad',
  destroyed: 'bad',
};

/** What each NIST state allows, for tooltips. */
export const KEY_STATE_HINT: Record<string, string> = {
  'pre-active': 'generated, not yet in use',
  active: 'protects new data and decrypts',
  suspended: 'temporarily unusable',
  deactivated: 'decrypts existing data only, protects nothing new',
  compromised: 'decrypts only with care; replace it',
  destroyed: 'crypto-shredded: data under it cannot be read again',
};
