/**
 * better-sqlite3 runs statements synchronously on the event loop. Bulk writes (thousands of
 * rows per transaction) yield between chunks so that sockets and timers keep running; other
 * queries wait on the connection, not on the loop.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
