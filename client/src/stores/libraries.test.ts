// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LibraryElement, TapeDrive, TapeLibrary } from '../../../shared/schemas/tape.ts';
import { isApiError } from '../api/http.ts';
import { toTapeMoveError } from '../composables/useTapeMoves.ts';
import { deferred, json, stubFetch, type FetchHandler } from '../testing/fake-fetch.ts';
import { cartridgeIn, libraryElement, tapeDrive, tapeLibrary } from '../testing/fixtures.ts';
import { parseTapeUpdate, useLibrariesStore } from './libraries.ts';

let handler: FetchHandler;
let calls: ReturnType<typeof stubFetch>;

beforeEach(() => {
  setActivePinia(createPinia());
  calls = stubFetch((call) => handler(call));
});
afterEach(() => vi.unstubAllGlobals());

const LIB = 'L1';
const at = (n: number) => `2026-01-01T00:00:0${n}.000Z`;
const elements = (): LibraryElement[] => [
  cartridgeIn('storage', 1025, 'A00001L9'),
  libraryElement('storage', 1026),
  libraryElement('drive', 257, { driveSerial: 'D9' }),
];
const libUpdate = (l: TapeLibrary) => ({ id: `tape-library:${l.serial}`, kind: 'tape-library', ...l });
const driveUpdate = (d: TapeDrive) => ({ id: `tape-drive:${d.serial}`, kind: 'tape-drive', ...d });

/** Plays the console: lists, one library's inventory at `version`, and moves. */
function console_(state: { version: number; libs?: TapeLibrary[] }): FetchHandler {
  return (call) => {
    const library = tapeLibrary(LIB, { inventoryVersion: state.version, updatedAt: at(state.version) });
    if (call.url === '/api/tape/libraries') return json(200, { libraries: state.libs ?? [library] });
    if (call.url === '/api/tape/drives') return json(200, { drives: [tapeDrive('D9'), tapeDrive('D8')] });
    if (call.url === `/api/tape/libraries/${LIB}`) return json(200, { library, elements: elements() });
    if (
      call.url === `/api/tape/libraries/${LIB}/mount` ||
      call.url === `/api/tape/libraries/${LIB}/unmount`
    ) {
      state.version += 1;
      const moved = tapeLibrary(LIB, { inventoryVersion: state.version, updatedAt: at(state.version) });
      return json(200, { barcode: 'A00001L9', source: 1025, destination: 257, library: moved });
    }
    return json(404, { error: { code: 'NOT_FOUND', message: call.url } });
  };
}
const urls = () => calls.map((c) => `${c.method} ${c.url}`);

describe('libraries store: reading', () => {
  it('reads libraries and drives, then the open library’s map once per inventory version', async () => {
    handler = console_({ version: 1 });
    const store = useLibrariesStore();
    await store.hydrate();
    expect(store.libraries.map((l) => l.serial)).toEqual([LIB]);
    expect(store.drivesBySerial.get('D9')?.product).toBe('ULT3580-HH9');
    await store.open(LIB);
    expect(store.inventory?.elements.map((e) => e.address)).toEqual([1025, 1026, 257]);
    await store.open(LIB);
    await store.hydrate();
    expect(urls().filter((u) => u.endsWith(`/libraries/${LIB}`))).toHaveLength(1);
  });

  it('shows why the console could not be read', async () => {
    handler = () =>
      json(503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'No tape driver is configured' } });
    const store = useLibrariesStore();
    await store.hydrate();
    expect(store.error).toBe('No tape driver is configured');
    expect(store.loaded).toBe(false);
  });
});

describe('libraries store: live updates', () => {
  it('re-reads the map when the open library’s inventoryVersion rises, once for a burst', async () => {
    const state = { version: 1 };
    handler = console_(state);
    const store = useLibrariesStore();
    await store.hydrate();
    await store.open(LIB);
    const slow = deferred<Response>();
    const answer = console_(state);
    handler = (call) => (call.url === `/api/tape/libraries/${LIB}` ? slow.promise : answer(call));
    state.version = 4;
    for (const v of [2, 3, 4])
      store.applyUpdate(libUpdate(tapeLibrary(LIB, { inventoryVersion: v, updatedAt: at(v) })));
    slow.resolve(
      await answer({ method: 'GET', url: `/api/tape/libraries/${LIB}`, body: undefined, headers: {} }),
    );
    await vi.waitFor(() => expect(store.inventory?.version).toBe(4));
    // One read for the first update, one more for the two that arrived meanwhile.
    expect(urls().filter((u) => u.endsWith(`/libraries/${LIB}`))).toHaveLength(3);
    expect(store.libraries[0]?.inventoryVersion).toBe(4);
  });

  it('does not read the map for another library, or when only the counts changed', async () => {
    handler = console_({ version: 1 });
    const store = useLibrariesStore();
    await store.hydrate();
    await store.open(LIB);
    store.applyUpdate(libUpdate(tapeLibrary('L2', { ref: 'sim:L2', inventoryVersion: 9 })));
    store.applyUpdate(libUpdate(tapeLibrary(LIB, { inventoryVersion: 1, doorOpen: true, updatedAt: at(5) })));
    expect(store.libraries.map((l) => [l.serial, l.doorOpen])).toEqual([
      [LIB, true],
      ['L2', false],
    ]);
    expect(urls().filter((u) => u.endsWith(`/libraries/${LIB}`))).toHaveLength(1);
  });

  it('replaces a drive in place and keeps the newer view when an older one arrives late', async () => {
    handler = console_({ version: 1 });
    const store = useLibrariesStore();
    await store.hydrate();
    const loaded = tapeDrive('D9', {
      medium: { loaded: true, ready: true, condition: 'ready', writeProtected: false, barcode: 'A00001L9' },
      updatedAt: at(3),
    });
    expect(store.applyUpdate(driveUpdate(loaded))).toEqual({ kind: 'tape-drive', drive: loaded });
    expect(store.drives.map((d) => [d.serial, d.medium?.barcode])).toEqual([
      ['D9', 'A00001L9'],
      ['D8', null],
    ]);
    store.applyUpdate(driveUpdate(tapeDrive('D9', { updatedAt: at(2) })));
    expect(store.drivesBySerial.get('D9')?.medium?.barcode).toBe('A00001L9');
  });

  it('ignores other devices, malformed payloads and ids that do not name the device', () => {
    const store = useLibrariesStore();
    expect(store.applyUpdate({ id: 'sed:a', kind: 'sed', drive: {} })).toBeNull();
    expect(store.applyUpdate({ id: 'tape-drive:D9', kind: 'tape-drive', serial: 'D9' })).toBeNull();
    expect(parseTapeUpdate({ ...driveUpdate(tapeDrive('D9')), id: 'tape-drive:other' })).toBeNull();
    expect(parseTapeUpdate({ ...libUpdate(tapeLibrary(LIB)), id: 'tape-drive:L1' })).toBeNull();
    // A library that never answered is named by where it is reached.
    const silent = tapeLibrary(LIB, { serial: null, ref: 'sim:sch0', reachable: false });
    expect(parseTapeUpdate({ ...silent, id: 'tape-library:sim:sch0', kind: 'tape-library' })).toEqual({
      kind: 'tape-library',
      library: silent,
    });
    expect(store.drives).toEqual([]);
  });
});

describe('libraries store: moves', () => {
  it('mounts, takes the library from the answer and re-reads the map at its new version', async () => {
    handler = console_({ version: 1 });
    const store = useLibrariesStore();
    await store.hydrate();
    await store.open(LIB);
    const result = await store.mount(LIB, 'A00001L9', 'D9');
    expect(result.destination).toBe(257);
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      url: `/api/tape/libraries/${LIB}/mount`,
      body: { barcode: 'A00001L9', driveSerial: 'D9' },
    });
    expect(store.inventory?.version).toBe(2);
    expect(urls().filter((u) => u.endsWith(`/libraries/${LIB}`))).toHaveLength(2);
  });

  it('unmounts home unless a destination is given', async () => {
    handler = console_({ version: 1 });
    const store = useLibrariesStore();
    await store.unmount(LIB, 'D9');
    await store.unmount(LIB, 'D9', 1026);
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { driveSerial: 'D9' },
      { driveSerial: 'D9', destination: 1026 },
    ]);
  });

  it('rejects a refused move with the code, message and the device’s sense', async () => {
    handler = () =>
      json(409, {
        error: {
          code: 'LIBRARY_DESTINATION_FULL',
          message: 'mount A00002L9 in drive D9: Medium destination element full (5/3B/0D)',
          requestId: 'req-7',
          details: [{ path: 'sense', message: '5/3B/0D MEDIUM DESTINATION ELEMENT FULL' }],
        },
      });
    const store = useLibrariesStore();
    const err: unknown = await store.mount(LIB, 'A00002L9', 'D9').catch((e: unknown) => e);
    expect(isApiError(err, 'LIBRARY_DESTINATION_FULL')).toBe(true);
    expect(toTapeMoveError(err)).toEqual({
      code: 'LIBRARY_DESTINATION_FULL',
      message: 'mount A00002L9 in drive D9: Medium destination element full (5/3B/0D)',
      sense: '5/3B/0D MEDIUM DESTINATION ELEMENT FULL',
      requestId: 'req-7',
    });
  });

  it('refreshes through the console (operators) and shows its answer', async () => {
    handler = (call) =>
      call.url === '/api/tape/refresh'
        ? json(200, { libraries: [tapeLibrary(LIB)], drives: [tapeDrive('D9', { reachable: false })] })
        : json(404, {});
    const store = useLibrariesStore();
    await store.refresh();
    expect(urls()).toEqual(['POST /api/tape/refresh']);
    expect(store.drives[0]?.reachable).toBe(false);
    expect(store.loaded).toBe(true);
  });
});

describe('libraries store: sign-out', () => {
  it('forgets everything and drops answers that arrive afterwards', async () => {
    const slow = deferred<Response>();
    handler = (call) => (call.url === '/api/tape/libraries' ? slow.promise : console_({ version: 1 })(call));
    const store = useLibrariesStore();
    const pending = store.hydrate();
    store.dehydrate();
    slow.resolve(json(200, { libraries: [tapeLibrary(LIB)] }));
    await pending;
    expect(store.libraries).toEqual([]);
    expect(store.loaded).toBe(false);
    expect(store.inventory).toBeNull();
  });
});
