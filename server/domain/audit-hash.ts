import { createHash } from 'node:crypto';
import type { AuditEntry } from './repositories.ts';

/** The genesis hash of the audit chain: 64 zeros, so the first record's prev_hash is well defined. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so that the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The chain link: SHA-256 over the previous hash and the canonical record including its
 * sequence number and time, so editing, deleting, inserting or reordering any record changes
 * every hash after it.
 */
export function auditRecordHash(prevHash: string, seq: number, at: string, entry: AuditEntry): string {
  const body = canonicalJson({
    seq,
    at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    outcome: entry.outcome,
    requestId: entry.requestId,
    details: entry.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
