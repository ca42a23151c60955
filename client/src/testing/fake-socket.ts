// A stand-in for socket.io-client's Socket in client tests: records what the client emits and
// lets the test play the server (connect, drop the transport, refuse, push events).
import type { LockwardenSocket } from '../api/socket.ts';

type Listener = (...args: unknown[]) => void;

export class FakeSocket {
  connected = false;
  active = false;
  readonly emitted: { event: string; payload: unknown }[] = [];
  /** What the "server" acknowledges to an emit; by default success. */
  ack: (event: string, payload: unknown) => unknown = (_event, payload) => ({ ok: true, data: payload });
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  connect(): this {
    this.active = true;
    return this;
  }

  disconnect(): this {
    const was = this.connected;
    this.active = false;
    this.connected = false;
    if (was) this.fire('disconnect', 'io client disconnect');
    return this;
  }

  timeout(_ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> } {
    return {
      emitWithAck: (event, payload) => {
        this.emitted.push({ event, payload });
        return Promise.resolve(this.ack(event, payload));
      },
    };
  }

  // The test plays the server with these.
  serverAccepts(): void {
    this.active = true;
    this.connected = true;
    this.fire('connect');
  }

  transportLost(): void {
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }

  serverRefuses(code: string): void {
    this.active = false;
    this.fire('connect_error', new Error(code));
  }

  fire(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }

  asSocket(): LockwardenSocket {
    return this as unknown as LockwardenSocket;
  }
}
