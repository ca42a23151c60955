import { onScopeDispose } from 'vue';
import type { ServerToClientEvents } from '../../../shared/socket/events.ts';
import { useConnectionStore } from '../stores/connection.ts';

/**
 * Listens to a server event for the lifetime of the calling component (or effect scope), across
 * reconnects. Returns the function that stops listening early.
 */
export function useSocketEvent<E extends keyof ServerToClientEvents>(
  event: E,
  listener: ServerToClientEvents[E],
): () => void {
  const stop = useConnectionStore().subscribe(event, listener);
  onScopeDispose(stop);
  return stop;
}
