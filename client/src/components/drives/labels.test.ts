import { describe, expect, it } from 'vitest';
import { sedDrive } from '../../testing/fixtures.ts';
import { lockBitLabel, rangesLocked, rangesNote } from './labels.ts';

const global = (bits: { rle?: boolean; wle?: boolean; rl?: boolean; wl?: boolean }) => ({
  range: 0,
  start: 0,
  length: 0,
  readLockEnabled: bits.rle ?? false,
  writeLockEnabled: bits.wle ?? false,
  readLocked: bits.rl ?? false,
  writeLocked: bits.wl ?? false,
});

describe('locking range labels', () => {
  it('counts a range as locked only where it enforces the lock it has set', () => {
    expect(rangesLocked([global({ rle: true, wle: true, rl: true, wl: true })])).toBe(true);
    expect(rangesLocked([global({ rl: true, wl: true })])).toBe(false);
    expect(rangesLocked([global({ wle: true, wl: true })])).toBe(true);
  });

  it('shows a lock bit the range does not enforce as open', () => {
    expect(lockBitLabel(true, true)).toMatchObject({ text: 'locked', tone: 'warn' });
    expect(lockBitLabel(true, false)).toMatchObject({ text: 'open', tone: 'neutral' });
    expect(lockBitLabel(false, true)).toMatchObject({ text: 'open', tone: 'ok' });
  });

  it('says why no ranges are shown', () => {
    expect(rangesNote(sedDrive('a', { ranges: [], lockingSupported: false }))).toMatch(/not support/);
    expect(rangesNote(sedDrive('a', { ranges: [], state: 'discovered' }))).toMatch(/enroll the drive/);
    expect(rangesNote(sedDrive('a', { ranges: [], state: 'enrolled' }))).toBe('Not read yet.');
  });

  it('flags ranges read before the lock state last changed', () => {
    const open = [global({ rle: true, wle: true })];
    expect(rangesNote(sedDrive('a', { ranges: open, locked: false }))).toBeNull();
    expect(rangesNote(sedDrive('a', { ranges: open, locked: true }))).toMatch(/read them again/);
  });
});
