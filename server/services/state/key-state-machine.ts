/**
 * The life cycle of a managed secret (NIST SP 800-57 Part 1 §5.3): pre-activation → active →
 * suspended / deactivated / compromised → destroyed. Transitions not in the table are refused;
 * `destroyed` is final and `compromised` can only go on to `destroyed`.
 */
import { KEY_STATES, type KeyState } from '../../../shared/schemas/keys.ts';

export { KEY_STATES, type KeyState };

export type KeyEvent = 'activate' | 'suspend' | 'resume' | 'deactivate' | 'compromise' | 'destroy';

const TRANSITIONS: Record<KeyState, Partial<Record<KeyEvent, KeyState>>> = {
  'pre-active': { activate: 'active', compromise: 'compromised', destroy: 'destroyed' },
  active: { suspend: 'suspended', deactivate: 'deactivated', compromise: 'compromised' },
  suspended: { resume: 'active', deactivate: 'deactivated', compromise: 'compromised' },
  deactivated: { compromise: 'compromised', destroy: 'destroyed' },
  compromised: { destroy: 'destroyed' },
  destroyed: {},
};

/** The state after `event`, or undefined if the transition is not allowed. */
export function nextKeyState(from: KeyState, event: KeyEvent): KeyState | undefined {
  return TRANSITIONS[from][event];
}

/** Events allowed from a state, for the UI's action buttons. */
export function allowedKeyEvents(from: KeyState): KeyEvent[] {
  return Object.keys(TRANSITIONS[from]) as KeyEvent[];
}

/** Whether a secret in this state may be handed to a device for protecting new data. */
export function canProtect(state: KeyState): boolean {
  return state === 'active';
}

/** Whether a secret in this state may be unwrapped to read existing data (SP 800-57 "process only"). */
export function canProcess(state: KeyState): boolean {
  return state === 'active' || state === 'suspended' || state === 'deactivated' || state === 'compromised';
}
