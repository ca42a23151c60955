import { onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter, type ShallowRef } from 'vue';
import type { Room } from '../../../shared/socket/events.ts';
import { requestRoom } from '../api/socket.ts';
import { useConnectionStore } from '../stores/connection.ts';

export interface UseSocketRoomOptions {
  /** Called after every successful join, including re-joins after a reconnect (refetch here). @default undefined */
  onJoined?: (room: Room) => void;
  /** How long to wait for the server's acknowledgement. @default 5000 */
  timeoutMs?: number;
}

export interface UseSocketRoomReturn {
  /** Whether the server has acknowledged the join on the current connection. */
  joined: ShallowRef<boolean>;
  /** Why the last join failed (for example the role may not join), or null. */
  error: ShallowRef<string | null>;
}

/**
 * Joins a socket.io room for the lifetime of the calling component (or effect scope): joins as
 * soon as the socket is connected, again after every reconnect (the server forgets rooms with
 * the old connection), follows a changing room name, and leaves on dispose.
 */
export function useSocketRoom(
  room: MaybeRefOrGetter<Room>,
  options: UseSocketRoomOptions = {},
): UseSocketRoomReturn {
  const connection = useConnectionStore();
  const joined = shallowRef(false);
  const error = shallowRef<string | null>(null);
  const timeoutMs = options.timeoutMs ?? 5_000;
  let current: Room | null = null;
  let disposed = false;

  async function join(target: Room): Promise<void> {
    const socket = connection.getSocket();
    if (!socket) return;
    try {
      await requestRoom(socket, 'room:join', target, timeoutMs);
      if (disposed || target !== toValue(room)) return;
      current = target;
      joined.value = true;
      error.value = null;
      options.onJoined?.(target);
    } catch (err) {
      joined.value = false;
      error.value = err instanceof Error ? err.message : String(err);
    }
  }

  function leave(target: Room): void {
    const socket = connection.getSocket();
    if (socket?.connected) requestRoom(socket, 'room:leave', target, timeoutMs).catch(() => undefined);
  }

  const stop = watch(
    [() => toValue(room), () => connection.state, () => connection.generation] as const,
    ([target, state]) => {
      if (current !== null && current !== target && joined.value) leave(current);
      joined.value = false;
      current = null;
      if (state === 'connected') void join(target);
    },
    { immediate: true },
  );

  onScopeDispose(() => {
    disposed = true;
    stop();
    if (current !== null && joined.value) leave(current);
  });

  return { joined, error };
}
