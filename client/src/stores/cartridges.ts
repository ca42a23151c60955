import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { z } from 'zod';
import {
  CartridgeStateSchema,
  type Cartridge,
  type EnrollmentRequest,
} from '../../../shared/schemas/cartridges.ts';
import { api, errorMessage, type CallResult } from '../api/http.ts';
import { useJobsStore } from './jobs.ts';

export const CARTRIDGE_PAGE_SIZE = 50;
/** How long a burst of `cartridges:updated` waits before the page is read again (a bulk job sends many). */
export const CARTRIDGE_REFRESH_DELAY_MS = 1_000;

export type CartridgeState = z.infer<typeof CartridgeStateSchema>;
export type MountPurpose = 'write' | 'read';
export type CartridgeMountResult = CallResult<'tape.cartridgeMount'>;
export type EnrollmentAnswer = CallResult<'tape.enroll'>;

/** The server's filters; empty means "any". `search` is a barcode prefix, `keyOlderThanDays` digits. */
export interface CartridgeFilters {
  pool: string;
  state: CartridgeState | '';
  search: string;
  keyOlderThanDays: string;
}

export const NO_CARTRIDGE_FILTERS: CartridgeFilters = {
  pool: '',
  state: '',
  search: '',
  keyOlderThanDays: '',
};

/** The filters as the server takes them: a prefix of up to 8 letters and digits, upper case. */
export function normaliseFilters(f: CartridgeFilters): CartridgeFilters {
  const days = f.keyOlderThanDays.trim();
  return {
    pool: f.pool,
    state: f.state,
    search: f.search
      .trim()
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 8),
    keyOlderThanDays: /^\d{1,5}$/.test(days) ? String(Number(days)) : '',
  };
}

/**
 * The enrolled cartridges of one library, one server-side page at a time (a library holds
 * thousands), with the filters the API offers. Live: the page joins `tape` and feeds every
 * `cartridges:updated` to `applyChange`, which reads the page again at most once a second
 * (a bulk enrollment commits a batch at a time). Actions go to the API; their answers are
 * merged into the page at once, the live event confirms them.
 */
export const useCartridgesStore = defineStore('cartridges', () => {
  const library = shallowRef<string | null>(null);
  const cartridges = shallowRef<readonly Cartridge[]>([]);
  const total = shallowRef(0);
  const filters = shallowRef<CartridgeFilters>(NO_CARTRIDGE_FILTERS);
  const limit = CARTRIDGE_PAGE_SIZE;
  const offset = shallowRef(0);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);

  let generation = 0;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  function query() {
    const f = filters.value;
    return {
      ...(library.value !== null && { library: library.value }),
      ...(f.pool && { pool: f.pool }),
      ...(f.state && { state: f.state }),
      ...(f.search && { search: f.search }),
      ...(f.keyOlderThanDays && { keyOlderThanDays: Number(f.keyOlderThanDays) }),
      limit,
      offset: offset.value,
    };
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      do {
        again = false;
        const asked = generation;
        const page = await api.call('tape.cartridges', { query: query() });
        if (asked !== generation) {
          again = true;
          continue;
        }
        cartridges.value = page.cartridges;
        total.value = page.total;
        // A page past the end (filters narrowed, cartridges left the pool): go to the last one.
        if (!page.cartridges.length && page.total > 0 && offset.value > 0) {
          offset.value = Math.floor((page.total - 1) / limit) * limit;
          again = true;
        }
      } while (again);
      loaded.value = true;
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  /** Reads the current page; a call while one is running makes that one read once more. */
  function hydrate(): Promise<void> {
    if (library.value === null) return Promise.resolve();
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = load().finally(() => (inFlight = null));
    return inFlight;
  }

  function restart(): Promise<void> {
    generation += 1;
    return hydrate();
  }

  /** Shows the cartridges of library `serial` from the first page (pool filters belong to a library). */
  function open(serial: string | null): Promise<void> {
    if (serial === library.value) return hydrate();
    library.value = serial;
    filters.value = NO_CARTRIDGE_FILTERS;
    offset.value = 0;
    cartridges.value = [];
    total.value = 0;
    loaded.value = false;
    error.value = null;
    return restart();
  }

  function setFilters(next: CartridgeFilters): Promise<void> {
    filters.value = normaliseFilters(next);
    offset.value = 0;
    return restart();
  }

  function setPage(nextOffset: number): Promise<void> {
    offset.value = Math.max(0, Math.floor(nextOffset / limit) * limit);
    return restart();
  }

  /** A live `cartridges:updated`: the page is read again once the burst is over (this library only). */
  function applyChange(info: { librarySerial: string; barcodes: readonly string[] }): boolean {
    if (!loaded.value || info.librarySerial !== library.value) return false;
    refreshTimer ??= setTimeout(() => {
      refreshTimer = undefined;
      void hydrate();
    }, CARTRIDGE_REFRESH_DELAY_MS);
    return true;
  }

  function patch(barcode: string, change: Partial<Cartridge>): void {
    if (!cartridges.value.some((c) => c.barcode === barcode)) return;
    cartridges.value = cartridges.value.map((c) => (c.barcode === barcode ? { ...c, ...change } : c));
  }

  /** Scratch (its data is expendable) or retire (it leaves service); rejects with the ApiError. */
  async function lifecycle(barcode: string, action: 'scratch' | 'retire'): Promise<string> {
    const name = action === 'scratch' ? 'tape.cartridgeScratch' : 'tape.cartridgeRetire';
    const { state } = await api.call(name, { params: { barcode } });
    const known = CartridgeStateSchema.safeParse(state);
    if (known.success) patch(barcode, { state: known.data });
    return state;
  }

  /** Loads `barcode` into the drive and gives the drive its key (for writing, or for reading back). */
  async function mount(
    barcode: string,
    driveSerial: string,
    purpose: MountPurpose,
  ): Promise<CartridgeMountResult> {
    const result = await api.call('tape.cartridgeMount', {
      params: { barcode },
      body: { driveSerial, purpose },
    });
    if (result.keyRef) patch(barcode, { keyRef: result.keyRef });
    return result;
  }

  /** Previews or starts a bulk enrollment; a started job is handed to the jobs store. */
  async function enroll(request: EnrollmentRequest): Promise<EnrollmentAnswer> {
    const answer = await api.call('tape.enroll', { body: request });
    if (answer.job) useJobsStore().track(answer.job);
    return answer;
  }

  function dehydrate(): void {
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
    generation += 1;
    library.value = null;
    cartridges.value = [];
    total.value = 0;
    filters.value = NO_CARTRIDGE_FILTERS;
    offset.value = 0;
    loaded.value = false;
    error.value = null;
  }

  return {
    library,
    cartridges,
    total,
    filters,
    limit,
    offset,
    loading,
    loaded,
    error,
    hydrate,
    open,
    setFilters,
    setPage,
    applyChange,
    lifecycle,
    mount,
    enroll,
    dehydrate,
  };
});
