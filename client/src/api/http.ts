// The only file in the client that touches `fetch`. Callers are derived from the REST map in
// shared/api/routes.ts: `api.call('users.update', { params: { id }, body: { disabled: true } })`
// substitutes path parameters, serialises the query, adds the CSRF header to state changes and
// validates the answer with the route's response schema.
import type { z } from 'zod';
import { API, type ApiName, type RouteSpec } from '../../../shared/api/routes.ts';
import { ErrorBodySchema, type ErrorBody, type ErrorCode } from '../../../shared/errors.ts';

/** Codes the client itself produces: the server never sends these. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'RESPONSE_INVALID' | 'HTTP_ERROR' | 'ABORTED';

type ErrorDetail = NonNullable<ErrorBody['error']['details']>[number];

/** A failed call: the server's error body (code, message, request id), or a client-side failure. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode | ClientErrorCode;
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: readonly ErrorDetail[];

  constructor(
    code: ErrorCode | ClientErrorCode,
    message: string,
    init: {
      status?: number;
      requestId?: string | undefined;
      details?: readonly ErrorDetail[];
      cause?: unknown;
    } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status ?? 0;
    this.requestId = init.requestId;
    this.details = init.details ?? [];
  }
}

export function isApiError(err: unknown, code?: ApiError['code']): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

/** The text to show a person for any failure (server messages are written for people). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const detail = err.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    return detail ? `${err.message} (${detail})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

type Spec<N extends ApiName> = (typeof API)[N];

/** `'/api/users/:id/keys/:version'` → `'id' | 'version'`. */
type PathParams<P extends string> = P extends `${string}:${infer Param}/${infer Rest}`
  ? Param | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Param}`
    ? Param
    : never;

type ParamsPart<N extends ApiName> = [PathParams<Spec<N>['path']>] extends [never]
  ? { params?: never }
  : { params: Record<PathParams<Spec<N>['path']>, string> };
type BodyPart<N extends ApiName> =
  Spec<N> extends { body: infer B extends z.ZodType } ? { body: z.input<B> } : { body?: never };
type QueryPart<N extends ApiName> =
  Spec<N> extends { query: infer Q extends z.ZodType } ? { query?: Partial<z.output<Q>> } : { query?: never };

/** What one call takes: path params, body and query as its route declares, and an abort signal. */
export type CallOptions<N extends ApiName> = ParamsPart<N> &
  BodyPart<N> &
  QueryPart<N> & { signal?: AbortSignal };

/** What one call resolves with: the parsed response, or nothing for a 204 route. */
export type CallResult<N extends ApiName> =
  Spec<N> extends { response: infer R extends z.ZodType } ? z.output<R> : void;

type CallArgs<N extends ApiName> =
  object extends CallOptions<N> ? [opts?: CallOptions<N>] : [opts: CallOptions<N>];

export interface ApiClientOptions {
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Prefix for every path. @default '' (same origin) */
  baseUrl?: string;
  /** The session's CSRF token, sent as `X-CSRF-Token` on state changes. @default () => null */
  csrfToken?: () => string | null;
}

export interface ApiClient {
  call<N extends ApiName>(name: N, ...args: CallArgs<N>): Promise<CallResult<N>>;
  /** Registers a listener told about every failed call (the session store uses it); returns an unsubscribe. */
  onError(listener: (err: ApiError, name: ApiName) => void): () => void;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function buildPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, (_m, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new ApiError('VALIDATION_FAILED', `Missing path parameter "${key}"`);
    return encodeURIComponent(value);
  });
}

export function buildQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorFromResponse(res: Response, body: unknown): ApiError {
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, requestId, details } = parsed.data.error;
    return new ApiError(code, message, { status: res.status, requestId, details: details ?? [] });
  }
  const statusText = res.statusText ? ` ${res.statusText}` : '';
  return new ApiError('HTTP_ERROR', `The server answered HTTP ${res.status}${statusText}`, {
    status: res.status,
    requestId: res.headers.get('x-request-id') ?? undefined,
  });
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const listeners = new Set<(err: ApiError, name: ApiName) => void>();
  const csrfToken = options.csrfToken ?? (() => null);
  const baseUrl = options.baseUrl ?? '';

  async function request(
    name: ApiName,
    opts: { params?: unknown; query?: unknown; body?: unknown; signal?: unknown },
  ): Promise<unknown> {
    const spec: RouteSpec = API[name];
    const url =
      baseUrl +
      buildPath(spec.path, opts.params as Record<string, string> | undefined) +
      buildQuery(opts.query as Record<string, unknown> | undefined);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (!SAFE_METHODS.has(spec.method)) {
      headers['Content-Type'] = 'application/json';
      const token = csrfToken();
      if (token) headers['X-CSRF-Token'] = token;
    }
    const init: RequestInit = { method: spec.method, headers, credentials: 'same-origin' };
    if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
    if (opts.signal instanceof AbortSignal) init.signal = opts.signal;

    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    let res: Response;
    try {
      res = await doFetch(url, init);
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError')
        throw new ApiError('ABORTED', 'The request was cancelled', { cause });
      throw new ApiError('NETWORK_ERROR', 'The console cannot be reached; check the network and try again', {
        cause,
      });
    }
    const body = await readJson(res);
    if (!res.ok) throw errorFromResponse(res, body);
    if (!spec.response) return undefined;
    const parsed = spec.response.safeParse(body);
    if (!parsed.success) {
      throw new ApiError('RESPONSE_INVALID', `The server's answer to ${name} did not match the contract`, {
        status: res.status,
        requestId: res.headers.get('x-request-id') ?? undefined,
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return parsed.data;
  }

  return {
    async call<N extends ApiName>(name: N, ...args: CallArgs<N>): Promise<CallResult<N>> {
      try {
        return (await request(name, args[0] ?? {})) as CallResult<N>;
      } catch (err) {
        const apiError =
          err instanceof ApiError ? err : new ApiError('NETWORK_ERROR', errorMessage(err), { cause: err });
        for (const listener of listeners) listener(apiError, name);
        throw apiError;
      }
    },
    onError(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let csrfSource: () => string | null = () => null;

/** The session store names where the CSRF token comes from (http.ts never imports a store). */
export function setCsrfTokenSource(source: () => string | null): void {
  csrfSource = source;
}

/** The application's client: same origin, CSRF token from the session store. */
export const api: ApiClient = createApiClient({ csrfToken: () => csrfSource() });
