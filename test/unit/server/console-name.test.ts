import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleName } from '../../../server/platform/console-name.ts';

describe('console name (the issuer of certificates)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-name-'));
  afterEach(() => rmSync(path.join(dir, 'console-id'), { force: true }));

  it('is the host name and an id kept owner-only in the data directory, the same on every start', () => {
    const first = consoleName(dir);
    expect(first).toMatch(new RegExp(`^${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[0-9a-f]{8}$`));
    expect(consoleName(dir)).toBe(first);
    expect(statSync(path.join(dir, 'console-id')).mode & 0o777).toBe(0o600);
  });

  it('differs between installations', () => {
    const other = mkdtempSync(path.join(tmpdir(), 'lw-name-'));
    try {
      expect(consoleName(other)).not.toBe(consoleName(dir));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
