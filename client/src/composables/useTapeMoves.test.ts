// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { cartridgeIn, tapeLibrary } from '../testing/fixtures.ts';
import { useTapeMoves } from './useTapeMoves.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

const slot = cartridgeIn('storage', 1025, 'A00001L9');
const drive = cartridgeIn('drive', 257, 'A00001L9', { driveSerial: 'D9', sourceAddress: 1025 });
const moved = (source: number, destination: number) =>
  json(200, {
    barcode: 'A00001L9',
    source,
    destination,
    library: tapeLibrary('L1', { inventoryVersion: 2 }),
  });

function setup() {
  const scope = effectScope();
  const moves = scope.run(() => useTapeMoves())!;
  return { scope, moves };
}

describe('useTapeMoves', () => {
  it('mounts into the chosen drive, closes and says what happened', async () => {
    handler = (call) => (call.method === 'POST' ? moved(1025, 257) : json(404, {}));
    const { moves } = setup();
    moves.ask({ kind: 'mount', library: 'L1', element: slot });
    expect(await moves.confirm()).toBeUndefined(); // no drive chosen: nothing is sent
    await moves.confirm('D9');
    expect(calls[0]).toMatchObject({
      url: '/api/tape/libraries/L1/mount',
      body: { barcode: 'A00001L9', driveSerial: 'D9' },
    });
    expect(moves.request.value).toBeNull();
    expect(moves.done.value).toBe('A00001L9 was mounted in drive D9 (element 1025 → 257).');
  });

  it('keeps the dialog open with the code, message and sense of a refusal', async () => {
    handler = () =>
      json(409, {
        error: {
          code: 'LIBRARY_DESTINATION_FULL',
          message: 'Medium destination element full (5/3B/0D)',
          details: [{ path: 'sense', message: '5/3B/0D MEDIUM DESTINATION ELEMENT FULL' }],
        },
      });
    const { moves } = setup();
    moves.ask({ kind: 'unmount', library: 'L1', element: drive });
    await moves.confirm();
    expect(calls[0]).toMatchObject({ url: '/api/tape/libraries/L1/unmount', body: { driveSerial: 'D9' } });
    expect(moves.request.value?.kind).toBe('unmount');
    expect(moves.error.value).toMatchObject({
      code: 'LIBRARY_DESTINATION_FULL',
      sense: '5/3B/0D MEDIUM DESTINATION ELEMENT FULL',
    });
    moves.cancel();
    expect(moves.error.value).toBeNull();
  });

  it('drops an answer that arrives after the page is gone', async () => {
    handler = () => moved(257, 1025);
    const { scope, moves } = setup();
    moves.ask({ kind: 'unmount', library: 'L1', element: drive });
    const pending = moves.confirm();
    scope.stop();
    await pending;
    expect(moves.done.value).toBeNull();
  });
});
