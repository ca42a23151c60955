import type { TapePool } from '../../../../shared/schemas/cartridges.ts';
import type { CartridgeState } from '../../stores/cartridges.ts';
import type { BadgeTone } from '../common/StatusBadge.vue';

export const CARTRIDGE_STATES: readonly CartridgeState[] = ['enrolled', 'in-use', 'scratched', 'retired'];

export const CARTRIDGE_STATE_TONE: Record<CartridgeState, BadgeTone> = {
  enrolled: 'info',
  'in-use': 'ok',
  scratched: 'warn',
  retired: 'neutral',
};

/** `A00000–A00999` (the VOLSERs a pool covers; the media id is its own column). */
export function poolRange(p: Pick<TapePool, 'volserFrom' | 'volserTo'>): string {
  return p.volserFrom === p.volserTo ? p.volserFrom : `${p.volserFrom}–${p.volserTo}`;
}

/** `one key per cartridge`, `one key per pool, new every 30 days`. */
export function policyText(p: Pick<TapePool, 'keyPolicy' | 'keyPeriodDays'>): string {
  if (p.keyPolicy === 'per-cartridge') return 'one key per cartridge';
  const days = p.keyPeriodDays;
  return days ? `one key per pool, new every ${days} day${days === 1 ? '' : 's'}` : 'one key per pool';
}

/** `12.5 cartridges/s`, `0.3 cartridges/s`; a dash while unknown. */
export function rateText(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '—';
  const digits = perSecond >= 100 ? 0 : 1;
  return `${perSecond.toFixed(digits)} cartridges/s`;
}
