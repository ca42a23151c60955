import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors.ts';
import { ERROR_STATUS } from '../../../server/http/error-status.ts';

/** Keeps the documented catalog, the shared code list and the status table in step. */
describe('error catalog', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])] as const);

  it('documents every code exactly once with its status', () => {
    expect(rows.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, status] of rows)
      expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], code).toBe(status);
  });
});
