import type { Handle, PKCS11 } from 'pkcs11js';
import type { Pkcs11Connection } from './pkcs11-connection.ts';

/** What one call of the worker hands to an operation. */
export interface OpContext {
  conn: Pkcs11Connection;
  /** Throws HSM_CLOSED or HSM_ABORTED once the caller has given up on this call. */
  checkCancelled(): void;
  /** Runs `fn` with the call's single recovery (see Pkcs11Connection.attempt). */
  run<T>(fn: () => T): T | Promise<T>;
}

/** Items between two turns of the worker's event loop within a batch. */
const ITEMS_PER_TURN = 256;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A batch: items run one by one with sync PKCS#11 calls (async variants are 2.6× slower here
 * and leak, reference §3, §5). Between items: cancellation and periodic re-initialisation. A
 * recovered item is retried, so a batch resumes where it failed instead of starting again.
 * Every ITEMS_PER_TURN items the event loop turns (a few ms of work): a helper process learns
 * of cancellation and shutdown by message, not through shared memory.
 */
export async function forEachItem(ctx: OpContext, count: number, item: (i: number) => void): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (i % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await nextTurn();
    ctx.checkCancelled();
    if (ctx.conn.needsReinitialize) await ctx.conn.reconnect('periodic');
    const r = ctx.run(() => item(i));
    if (r instanceof Promise) await r;
  }
}

/** Session objects die with the session anyway; a failed destroy must not hide the real error. */
export function destroyQuietly(p: PKCS11, session: Handle, object: Handle): void {
  try {
    p.C_DestroyObject(session, object);
  } catch {
    // see above
  }
}

/** A Buffer view of a received Uint8Array (pkcs11js insists on Buffers), without copying. */
export function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}
