import { describe, expect, it } from 'vitest';
import {
  KEY_STATES,
  allowedKeyEvents,
  canProcess,
  canProtect,
  nextKeyState,
  type KeyEvent,
} from '../../../server/services/state/key-state-machine.ts';

const EVENTS: KeyEvent[] = ['activate', 'suspend', 'resume', 'deactivate', 'compromise', 'destroy'];

describe('key state machine (NIST SP 800-57)', () => {
  it('allows exactly the documented transitions', () => {
    const table = Object.fromEntries(
      KEY_STATES.map((s) => [s, Object.fromEntries(EVENTS.map((e) => [e, nextKeyState(s, e) ?? null]))]),
    );
    expect(table).toEqual({
      'pre-active': {
        activate: 'active',
        suspend: null,
        resume: null,
        deactivate: null,
        compromise: 'compromised',
        destroy: 'destroyed',
      },
      active: {
        activate: null,
        suspend: 'suspended',
        resume: null,
        deactivate: 'deactivated',
        compromise: 'compromised',
        destroy: null,
      },
      suspended: {
        activate: null,
        suspend: null,
        resume: 'active',
        deactivate: 'deactivated',
        compromise: 'compromised',
        destroy: null,
      },
      deactivated: {
        activate: null,
        suspend: null,
        resume: null,
        deactivate: null,
        compromise: 'compromised',
        destroy: 'destroyed',
      },
      compromised: {
        activate: null,
        suspend: null,
        resume: null,
        deactivate: null,
        compromise: null,
        destroy: 'destroyed',
      },
      destroyed: {
        activate: null,
        suspend: null,
        resume: null,
        deactivate: null,
        compromise: null,
        destroy: null,
      },
    });
  });

  it('never lets an active key be destroyed without deactivation first', () => {
    expect(nextKeyState('active', 'destroy')).toBeUndefined();
    expect(allowedKeyEvents('destroyed')).toEqual([]);
  });

  it('protects only with active keys and processes with any non-destroyed, activated key', () => {
    expect(KEY_STATES.filter(canProtect)).toEqual(['active']);
    expect(KEY_STATES.filter(canProcess)).toEqual(['active', 'suspended', 'deactivated', 'compromised']);
  });
});
