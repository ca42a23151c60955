import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { ServerToClientEvents } from '../../../shared/socket/events.ts';
import {
  createSocket,
  type ConnectionState,
  type CreateSocketOptions,
  type LockwardenSocket,
  type SocketHandle,
} from '../api/socket.ts';

type EventName = keyof ServerToClientEvents;
type AnyListener = (...args: unknown[]) => void;

export interface ConnectOptions {
  /** Called when the server says the session ended (logout elsewhere, expiry, password change). */
  onSessionEnded?: (reason: string) => void;
  /** Called when the server refuses the socket's credentials (for example `AUTH_REQUIRED`). */
  onRejected?: (code: string) => void;
}

/**
 * The live connection: one socket per signed-in session, its state for the header indicator,
 * and event subscriptions that survive reconnects (and a new socket after the next login).
 */
export const useConnectionStore = defineStore('connection', () => {
  const state = shallowRef<ConnectionState>('disconnected');
  const wasConnected = shallowRef(false);
  const lastError = shallowRef<string | null>(null);
  /** Bumped on every (re)connect, so rooms know to join again. */
  const generation = shallowRef(0);

  let handle: SocketHandle | null = null;
  let stopStatus: (() => void) | null = null;
  const subscriptions = new Map<EventName, Set<AnyListener>>();
  let socketFactory: CreateSocketOptions['factory'];

  function attach(socket: LockwardenSocket, event: EventName, listener: AnyListener): void {
    (socket as unknown as { on(ev: string, fn: AnyListener): void }).on(event, listener);
  }
  function detach(socket: LockwardenSocket, event: EventName, listener: AnyListener): void {
    (socket as unknown as { off(ev: string, fn: AnyListener): void }).off(event, listener);
  }

  function connect(options: ConnectOptions = {}): void {
    if (handle) {
      handle.connect();
      return;
    }
    const created = createSocket(socketFactory ? { factory: socketFactory } : {});
    handle = created;
    for (const [event, listeners] of subscriptions)
      for (const listener of listeners) attach(created.socket, event, listener);
    created.socket.on('session:ended', ({ reason }) => options.onSessionEnded?.(reason));
    stopStatus = created.onStatus((status) => {
      if (status.state === 'connected' && state.value !== 'connected') generation.value += 1;
      state.value = status.state;
      wasConnected.value = status.wasConnected;
      lastError.value = status.error;
      if (status.authRejected && status.error) options.onRejected?.(status.error);
    });
    created.connect();
  }

  function disconnect(): void {
    stopStatus?.();
    stopStatus = null;
    handle?.close();
    handle = null;
    state.value = 'disconnected';
    wasConnected.value = false;
    lastError.value = null;
  }

  /** The open socket, or null while signed out. */
  function getSocket(): LockwardenSocket | null {
    return handle?.socket ?? null;
  }

  /** Listens to a server event on this and every later socket; returns an unsubscribe. */
  function subscribe<E extends EventName>(event: E, listener: ServerToClientEvents[E]): () => void {
    const fn = listener as AnyListener;
    let set = subscriptions.get(event);
    if (!set) subscriptions.set(event, (set = new Set()));
    set.add(fn);
    if (handle) attach(handle.socket, event, fn);
    return () => {
      set.delete(fn);
      if (handle) detach(handle.socket, event, fn);
    };
  }

  /** For tests: build sockets with this factory instead of socket.io-client's `io`. */
  function setSocketFactory(factory: CreateSocketOptions['factory']): void {
    socketFactory = factory;
  }

  return {
    state,
    wasConnected,
    lastError,
    generation,
    connect,
    disconnect,
    getSocket,
    subscribe,
    setSocketFactory,
  };
});
