import { createHash } from 'node:crypto';
import type { AuditEntry } from './repositories.ts';

/** The genesis hash of the audit chain: 64 zeros, so the first record's prev_hash is well defined. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so that the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Plain loops and string building: this runs once per audit record, 10,000 times per bulk
  // enrollment, on the main thread.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
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
