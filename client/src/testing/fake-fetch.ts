// A stand-in for `fetch` in client tests: the test answers each call from a handler (playing the
// console) and reads back what the client sent.
import { vi } from 'vitest';

export interface FetchCall {
  method: string;
  /** Path and query, e.g. `/api/jobs?limit=50`. */
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

export type FetchHandler = (call: FetchCall) => Response | Promise<Response>;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function apiError(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message, requestId: 'req-1' } });
}

/** Replaces the global `fetch` (undo with `vi.unstubAllGlobals()`); returns the log of calls. */
export function stubFetch(handler: FetchHandler): FetchCall[] {
  const calls: FetchCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const call: FetchCall = {
        method: init.method ?? 'GET',
        url,
        body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
        headers: (init.headers ?? {}) as Record<string, string>,
      };
      calls.push(call);
      return Promise.resolve(handler(call));
    }),
  );
  return calls;
}

/** A promise the test resolves when it wants the "server" to answer. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
