import { timingSafeEqual } from 'node:crypto';
import type { AuditVerification } from '../../shared/schemas/audit-verify.ts';
import { GENESIS_HASH, auditRecordHash } from '../domain/audit-hash.ts';
import type { Store } from '../domain/repositories.ts';
import type { Clock } from '../platform/clock.ts';
import { hsmCall } from './keys/hsm-errors.ts';
import { AUDIT_SEAL_KEY_LABEL, type SealHsm } from './keys/hsm-port.ts';

const PAGE = 1000;

/** The message an HSM seal covers: a fixed prefix, the head's sequence number and hash. */
export function sealMessage(seq: number, hash: string): Buffer {
  return Buffer.from(`lockwarden-audit-seal\n${seq}\n${hash}`, 'utf8');
}

/**
 * Seals the audit chain with an HMAC-SHA256 key that never leaves the HSM, and verifies the
 * chain: every link, every record's own hash, the head row and every seal. An attacker with
 * write access to the database can recompute SHA-256 links but not the HSM's HMAC, so any edit,
 * deletion, insertion or reordering before the last seal is found.
 */
export class AuditSealService {
  constructor(private readonly d: { store: Store; hsm: SealHsm; clock: Clock }) {}

  async ensureKey(): Promise<void> {
    await hsmCall('seal key creation', async () => {
      if (!(await this.d.hsm.hasKey(AUDIT_SEAL_KEY_LABEL)))
        await this.d.hsm.createHmacKey(AUDIT_SEAL_KEY_LABEL);
    });
  }

  /** Seals the current head if anything was appended since the last seal; returns the sealed seq. */
  async sealNow(): Promise<number | null> {
    const head = await this.d.store.audit.head();
    if (head.seq === 0) return null;
    const latest = await this.d.store.auditSeals.latest();
    if (latest && latest.seq >= head.seq) return latest.seq;
    const mac = await hsmCall('audit seal', () =>
      this.d.hsm.hmacSha256(AUDIT_SEAL_KEY_LABEL, sealMessage(head.seq, head.hash)),
    );
    await this.d.store.auditSeals.insert({
      seq: head.seq,
      hash: head.hash,
      mac: mac.toString('hex'),
      keyLabel: AUDIT_SEAL_KEY_LABEL,
      sealedAt: this.d.clock.now().toISOString(),
    });
    return head.seq;
  }

  async verify(): Promise<AuditVerification> {
    const verifiedAt = this.d.clock.now().toISOString();
    const result = (
      ok: boolean,
      problem: AuditVerification['problem'],
      firstBadSeq: number | null,
      message: string,
      counts: { records: number; lastSeq: number; seals: number; lastSealed: number | null },
    ): AuditVerification => ({
      ok,
      problem,
      firstBadSeq,
      message,
      checkedRecords: counts.records,
      lastSeq: counts.lastSeq,
      checkedSeals: counts.seals,
      lastSealedSeq: counts.lastSealed,
      verifiedAt,
    });

    const hashes = new Map<number, string>();
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let records = 0;
    const seals = await this.d.store.auditSeals.list(1_000_000);
    const sealedSeqs = new Set(seals.map((s) => s.seq));
    const counts = () => ({ records, lastSeq: expectedSeq - 1, seals: 0, lastSealed: seals[0]?.seq ?? null });
    for (;;) {
      const page = await this.d.store.audit.range(expectedSeq, PAGE);
      for (const r of page) {
        if (r.seq !== expectedSeq) {
          return result(
            false,
            'record-missing',
            expectedSeq,
            `Record ${expectedSeq} is missing (deleted); the next one is ${r.seq}`,
            counts(),
          );
        }
        if (r.prevHash !== prevHash) {
          return result(
            false,
            'chain-broken',
            r.seq,
            `Record ${r.seq} does not link to record ${r.seq - 1}: inserted, reordered or its predecessor edited`,
            counts(),
          );
        }
        if (auditRecordHash(prevHash, r.seq, r.at, r) !== r.hash) {
          return result(
            false,
            'record-edited',
            r.seq,
            `Record ${r.seq} was altered after it was written`,
            counts(),
          );
        }
        if (sealedSeqs.has(r.seq)) hashes.set(r.seq, r.hash);
        prevHash = r.hash;
        expectedSeq++;
        records++;
      }
      if (page.length < PAGE) break;
    }
    const lastSeq = expectedSeq - 1;
    const head = await this.d.store.audit.head();
    if (head.seq !== lastSeq || head.hash !== prevHash) {
      return result(
        false,
        'head-mismatch',
        Math.min(head.seq, lastSeq) + 1,
        `The chain ends at ${lastSeq} but its head says ${head.seq}: records at the end were deleted or added`,
        counts(),
      );
    }
    let checkedSeals = 0;
    let trustedUpTo = 0;
    for (const seal of [...seals].reverse()) {
      const hash = hashes.get(seal.seq);
      if (hash === undefined || hash !== seal.hash) {
        // The seal pins the chain at its record: either records past the end were deleted, or
        // something after the last good seal was rewritten with consistent SHA-256 links.
        const truncated = seal.seq > lastSeq;
        const firstBad = truncated ? lastSeq + 1 : trustedUpTo + 1;
        const message = truncated
          ? `The HSM seal covers record ${seal.seq} but the chain ends at ${lastSeq}: records ${lastSeq + 1}–${seal.seq} were deleted`
          : `The HSM seal at record ${seal.seq} does not match: records ${firstBad}–${seal.seq} were rewritten`;
        return result(false, 'seal-mismatch', firstBad, message, { ...counts(), seals: checkedSeals });
      }
      const mac = await hsmCall('audit seal check', () =>
        this.d.hsm.hmacSha256(seal.keyLabel, sealMessage(seal.seq, seal.hash)),
      );
      const stored = Buffer.from(seal.mac, 'hex');
      if (stored.length !== mac.length || !timingSafeEqual(stored, mac)) {
        return result(
          false,
          'seal-invalid',
          seal.seq,
          `The seal at record ${seal.seq} was not made by this HSM's audit key`,
          { ...counts(), seals: checkedSeals },
        );
      }
      checkedSeals++;
      trustedUpTo = seal.seq;
    }
    const lastSealed = seals[0]?.seq ?? null;
    const unsealed = lastSeq - (lastSealed ?? 0);
    return result(
      true,
      null,
      null,
      `Chain intact: ${records} records, ${checkedSeals} HSM seals${unsealed > 0 ? `; ${unsealed} newest records not sealed yet` : ''}`,
      { records, lastSeq, seals: checkedSeals, lastSealed },
    );
  }
}
