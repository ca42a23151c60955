import { describe, expect, it } from 'vitest';
import { auditRecordHash, canonicalJson } from '../../../server/domain/audit-hash.ts';

describe('audit chain hashing', () => {
  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('changes when any field, the sequence number or the predecessor changes', () => {
    const entry = {
      actor: 'a',
      action: 'x',
      target: null,
      outcome: 'success' as const,
      requestId: null,
      details: { n: 1 },
    };
    const base = auditRecordHash('0'.repeat(64), 1, '2026-01-01T00:00:00.000Z', entry);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(auditRecordHash('0'.repeat(64), 2, '2026-01-01T00:00:00.000Z', entry)).not.toBe(base);
    expect(auditRecordHash('1'.repeat(64), 1, '2026-01-01T00:00:00.000Z', entry)).not.toBe(base);
    expect(
      auditRecordHash('0'.repeat(64), 1, '2026-01-01T00:00:00.000Z', { ...entry, details: { n: 2 } }),
    ).not.toBe(base);
  });
});
