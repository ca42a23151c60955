// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, shallowRef } from 'vue';
import type { Room } from '../../../shared/socket/events.ts';
import { useConnectionStore } from '../stores/connection.ts';
import { FakeSocket } from '../testing/fake-socket.ts';
import { useSocketRoom } from './useSocketRoom.ts';

let fake: FakeSocket;

beforeEach(() => {
  setActivePinia(createPinia());
  fake = new FakeSocket();
  useConnectionStore().setSocketFactory(() => fake.asSocket());
});

const flush = async () => {
  for (let i = 0; i < 3; i++) await nextTick();
};
const joins = () => fake.emitted.filter((e) => e.event === 'room:join').map((e) => e.payload);
const leaves = () => fake.emitted.filter((e) => e.event === 'room:leave').map((e) => e.payload);

describe('useSocketRoom', () => {
  it('joins once connected, re-joins after a reconnect and leaves on dispose', async () => {
    const connection = useConnectionStore();
    const onJoined = vi.fn();
    const scope = effectScope();
    const room = scope.run(() => useSocketRoom('audit', { onJoined }))!;

    connection.connect();
    await flush();
    expect(joins()).toEqual([]);
    expect(connection.state).toBe('connecting');

    fake.serverAccepts();
    await flush();
    expect(connection.state).toBe('connected');
    expect(joins()).toEqual([{ room: 'audit' }]);
    expect(room.joined.value).toBe(true);
    expect(onJoined).toHaveBeenCalledTimes(1);

    fake.transportLost();
    await flush();
    expect(connection.state).toBe('connecting');
    expect(room.joined.value).toBe(false);

    fake.serverAccepts();
    await flush();
    expect(joins()).toEqual([{ room: 'audit' }, { room: 'audit' }]);
    expect(onJoined).toHaveBeenCalledTimes(2);

    scope.stop();
    await flush();
    expect(leaves()).toEqual([{ room: 'audit' }]);
  });

  it('reports a refused join', async () => {
    fake.ack = () => ({
      ok: false,
      error: { code: 'AUTH_FORBIDDEN', message: 'Your role may not join audit' },
    });
    const scope = effectScope();
    const room = scope.run(() => useSocketRoom('audit'))!;
    useConnectionStore().connect();
    fake.serverAccepts();
    await flush();
    expect(room.joined.value).toBe(false);
    expect(room.error.value).toBe('Your role may not join audit');
    scope.stop();
  });

  it('follows a changing room name', async () => {
    const name = shallowRef<Room>('device:a');
    const scope = effectScope();
    scope.run(() => useSocketRoom(name));
    useConnectionStore().connect();
    fake.serverAccepts();
    await flush();
    name.value = 'device:b';
    await flush();
    expect(joins()).toEqual([{ room: 'device:a' }, { room: 'device:b' }]);
    expect(leaves()).toEqual([{ room: 'device:a' }]);
    scope.stop();
  });
});

describe('connection state', () => {
  it('reads Offline after the server refuses the session, and tells the caller', async () => {
    const connection = useConnectionStore();
    const onRejected = vi.fn();
    connection.connect({ onRejected });
    fake.serverRefuses('AUTH_REQUIRED');
    await flush();
    expect(connection.state).toBe('disconnected');
    expect(connection.lastError).toBe('AUTH_REQUIRED');
    expect(onRejected).toHaveBeenCalledWith('AUTH_REQUIRED');
  });

  it('reads Offline after repeated failed reconnects while it keeps trying', async () => {
    const connection = useConnectionStore();
    connection.connect();
    fake.serverAccepts();
    fake.transportLost();
    for (let i = 0; i < 2; i++) fake.fire('connect_error', new Error('xhr poll error'));
    await flush();
    expect(connection.state).toBe('connecting');
    expect(connection.wasConnected).toBe(true);
    fake.fire('connect_error', new Error('xhr poll error'));
    await flush();
    expect(connection.state).toBe('disconnected');
    fake.serverAccepts();
    await flush();
    expect(connection.state).toBe('connected');
  });

  it('passes session:ended to the caller', () => {
    const onSessionEnded = vi.fn();
    useConnectionStore().connect({ onSessionEnded });
    fake.fire('session:ended', { reason: 'expired' });
    expect(onSessionEnded).toHaveBeenCalledWith('expired');
  });
});
