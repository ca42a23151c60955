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
