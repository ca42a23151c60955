import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { z } from 'zod';
import type { CreatePoolRequestSchema, TapePool } from '../../../shared/schemas/cartridges.ts';
import { api, errorMessage } from '../api/http.ts';
import { coalesced } from './coalesced.ts';

/** What the "New pool" form sends (`keyPolicy` defaults to one key per cartridge). */
export type NewPool = z.input<typeof CreatePoolRequestSchema>;

/** How long a burst of cartridge changes waits before the pool counts are read again. */
export const POOL_REFRESH_DELAY_MS = 1_000;

/**
 * The cartridge pools of one library (the one on screen): which barcodes each covers, its key
 * policy and how many cartridges it holds. Key administrators define new pools here; the
 * server checks overlaps, media ids and cleaning prefixes and its refusal is shown as it is.
 */
export const useTapePoolsStore = defineStore('tape-pools', () => {
  const library = shallowRef<string | null>(null);
  const pools = shallowRef<readonly TapePool[]>([]);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);

  const byId = computed(() => new Map(pools.value.map((p) => [p.id, p])));

  let generation = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const read = coalesced(async () => {
    const serial = library.value;
    if (serial === null) return;
    const asked = generation;
    loading.value = true;
    try {
      const answer = await api.call('tape.pools', { query: { library: serial } });
      if (asked !== generation) return;
      pools.value = answer.pools;
      loaded.value = true;
      error.value = null;
    } catch (err) {
      if (asked === generation) error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  });

  /** Re-reads the pools of the library on screen. */
  const hydrate = (): Promise<void> => read();

  /** Shows the pools of library `serial` (none while null). */
  function open(serial: string | null): Promise<void> {
    if (serial !== library.value) {
      generation += 1;
      library.value = serial;
      pools.value = [];
      loaded.value = false;
      error.value = null;
    }
    return read();
  }

  /** Cartridges of `librarySerial` changed: the counts are read again once the burst is over. */
  function applyChange(info: { librarySerial: string }): boolean {
    if (!loaded.value || info.librarySerial !== library.value) return false;
    refreshTimer ??= setTimeout(() => {
      refreshTimer = undefined;
      void read();
    }, POOL_REFRESH_DELAY_MS);
    return true;
  }

  /** Defines a pool in the library on screen; rejects with the server's ApiError. */
  async function create(request: NewPool): Promise<TapePool> {
    const serial = library.value;
    if (serial === null) throw new Error('No library is selected');
    const pool = await api.call('tape.createPool', { params: { serial }, body: request });
    await read();
    return pool;
  }

  function dehydrate(): void {
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
    generation += 1;
    library.value = null;
    pools.value = [];
    loaded.value = false;
    error.value = null;
  }

  return { library, pools, byId, loading, loaded, error, hydrate, open, applyChange, create, dehydrate };
});
