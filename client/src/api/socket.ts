// The only file in the client that touches socket.io-client. One typed socket per signed-in
// session, on the page's own origin, authenticated by the session cookie on connect.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ErrorBody } from '../../../shared/errors.ts';
import type { Ack, ClientToServerEvents, Room, ServerToClientEvents } from '../../../shared/socket/events.ts';

export type LockwardenSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the header's indicator shows: Live, Reconnecting, Offline. */
export type ConnectionState = 'connected' | 'connecting' | 'disconnected';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Whether the socket has been connected before (so "connecting" means "reconnecting"). */
  wasConnected: boolean;
  /** The last connect error: a server code such as `AUTH_REQUIRED`, or a transport message. */
  error: string | null;
  /** True when the server refused the socket's credentials; it will not retry by itself. */
  authRejected: boolean;
}

export interface CreateSocketOptions {
  /** @default the page's origin */
  url?: string;
  /** Failed reconnect attempts after which the state reads "disconnected" (retries go on). @default 3 */
  offlineAfterAttempts?: number;
  /** @default socket.io-client's `io` */
  factory?: (url: string | undefined, opts: Partial<ManagerOptions & SocketOptions>) => LockwardenSocket;
}

export interface SocketHandle {
  readonly socket: LockwardenSocket;
  /** Opens the connection (a no-op while it is open or opening). */
  connect(): void;
  /** Closes the connection for good: no reconnection until `connect()`. */
  close(): void;
  /** Tells the listener about every status change, starting with the current one; returns an unsubscribe. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

/**
 * Reconnect policy: retry forever with exponential back-off from 1 s to 15 s (±50 % jitter, so a
 * restarted console is not hit by every browser at once). A refusal by the server (not logged in)
 * is not retried: the session store decides what happens next.
 */
export const RECONNECT_POLICY = {
  reconnection: true,
  reconnectionAttempts: Infinity,
  reconnectionDelay: 1_000,
  reconnectionDelayMax: 15_000,
  randomizationFactor: 0.5,
  timeout: 10_000,
} as const;

const SERVER_REFUSALS = new Set(['AUTH_REQUIRED', 'AUTH_PASSWORD_CHANGE_REQUIRED']);

export function createSocket(options: CreateSocketOptions = {}): SocketHandle {
  const offlineAfter = options.offlineAfterAttempts ?? 3;
  const factory = options.factory ?? ((url, opts) => (url === undefined ? io(opts) : io(url, opts)));
  const socket = factory(options.url, {
    ...RECONNECT_POLICY,
    path: '/socket.io',
    autoConnect: false,
    withCredentials: true,
  });
  const listeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = {
    state: 'disconnected',
    wasConnected: false,
    error: null,
    authRejected: false,
  };
  let failedAttempts = 0;

  const set = (patch: Partial<ConnectionStatus>): void => {
    status = { ...status, ...patch };
    for (const listener of listeners) listener(status);
  };

  socket.on('connect', () => {
    failedAttempts = 0;
    set({ state: 'connected', wasConnected: true, error: null, authRejected: false });
  });
  socket.on('disconnect', (reason) => {
    // 'io client disconnect' is ours, 'io server disconnect' is the server ending the session:
    // socket.io does not reconnect after either. Anything else is a transport loss: it retries.
    set({ state: socket.active ? 'connecting' : 'disconnected', error: socket.active ? reason : null });
  });
  socket.on('connect_error', (err) => {
    if (!socket.active || SERVER_REFUSALS.has(err.message)) {
      set({ state: 'disconnected', error: err.message, authRejected: SERVER_REFUSALS.has(err.message) });
      return;
    }
    failedAttempts += 1;
    set({ state: failedAttempts >= offlineAfter ? 'disconnected' : 'connecting', error: err.message });
  });

  return {
    socket,
    connect() {
      if (socket.connected || socket.active) return;
      failedAttempts = 0;
      set({ state: 'connecting', error: null, authRejected: false });
      socket.connect();
    },
    close() {
      socket.disconnect();
      set({ state: 'disconnected', error: null });
    },
    onStatus(listener) {
      listeners.add(listener);
      listener(status);
      return () => listeners.delete(listener);
    },
  };
}

/** A refused room request, with the server's error code. */
export class RoomError extends Error {
  override readonly name = 'RoomError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Joins or leaves a room and waits for the server's acknowledgement. */
export async function requestRoom(
  socket: LockwardenSocket,
  event: 'room:join' | 'room:leave',
  room: Room,
  timeoutMs = 5_000,
): Promise<void> {
  let reply: unknown;
  try {
    reply = (await socket.timeout(timeoutMs).emitWithAck(event, { room })) as unknown;
  } catch {
    throw new RoomError('TIMEOUT', `The console did not answer ${event} ${room} within ${timeoutMs} ms`);
  }
  if (!isAck(reply))
    throw new RoomError('INVALID_ACK', `The console's answer to ${event} was not understood`);
  if (!reply.ok) throw new RoomError(reply.error.code, reply.error.message);
}

/** Acknowledgements are inbound payloads too: check their shape before trusting it. */
function isAck(value: unknown): value is Ack<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'data' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error as Partial<ErrorBody['error']> | null;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}
