import type { EraseItemRecord, EraseRequestRecord } from '../../domain/erase-repositories.ts';

export interface EraseCtx {
  actor: string;
  requestId: string | null;
  approvalId: string;
}

export interface Verification {
  passed: boolean;
  method: string;
  details: string;
}

/** What a certificate says about the medium and how it was sanitized (NIST SP 800-88 fields). */
export interface MediumDescription {
  mediaType: string;
  manufacturer: string;
  model: string;
  serial: string;
  category: 'Clear' | 'Purge' | 'Destroy';
  technique: string;
  tool: string;
  toolVersion: string;
}

/**
 * One erase method for one kind of item. The job calls, per item: `preflight` (identity and
 * reachability now, before anything changes), `erase`, `verify`, then `retireSecrets`. A resume
 * after a crash in the middle of `erase` calls `verify` first and only erases again when the
 * item is not erased yet. Errors are AppErrors; `retryable` ones are transient (busy, not ready).
 */
export interface ItemEraser {
  preflight(item: EraseItemRecord, request: EraseRequestRecord, ctx: EraseCtx): Promise<void>;
  erase(item: EraseItemRecord, request: EraseRequestRecord, ctx: EraseCtx): Promise<void>;
  verify(item: EraseItemRecord, request: EraseRequestRecord, ctx: EraseCtx): Promise<Verification>;
  /** Escrowed credentials or keys of the erased item move to the destroyed state. */
  retireSecrets(item: EraseItemRecord, request: EraseRequestRecord, ctx: EraseCtx): Promise<void>;
  describe(item: EraseItemRecord, request: EraseRequestRecord): Promise<MediumDescription>;
  /** Transient: worth another attempt after a pause (never an authentication failure). */
  isTransient(err: unknown): boolean;
}
