import { defineStore } from 'pinia';
import { computed, markRaw, shallowRef } from 'vue';
import { z } from 'zod';
import {
  TapeDriveSchema,
  TapeLibrarySchema,
  type LibraryElement,
  type TapeDrive,
  type TapeLibrary,
} from '../../../shared/schemas/tape.ts';
import type { CallResult } from '../api/http.ts';
import { api, errorMessage } from '../api/http.ts';
import { libraryKey } from '../components/libraries/labels.ts';
import { coalesced } from './coalesced.ts';

export type MoveResult = CallResult<'tape.mount'>;

/** The element map of one library, as read at `version` (its `inventoryVersion`). */
export interface LibraryInventoryState {
  serial: string;
  version: number;
  elements: readonly LibraryElement[];
}

/** A `device:updated` about tape, validated: `{ id, kind, ...dto }` as the inventory service pushes it. */
export type TapeUpdate =
  { kind: 'tape-library'; library: TapeLibrary } | { kind: 'tape-drive'; drive: TapeDrive };

const LibraryUpdateSchema = TapeLibrarySchema.extend({ id: z.string(), kind: z.literal('tape-library') });
const DriveUpdateSchema = TapeDriveSchema.extend({ id: z.string(), kind: z.literal('tape-drive') });

/** The library or drive in a `device:updated` payload; null for other devices and malformed payloads. */
export function parseTapeUpdate(payload: unknown): TapeUpdate | null {
  const kind = (payload as { kind?: unknown } | null)?.kind;
  if (kind === 'tape-library') {
    const p = LibraryUpdateSchema.safeParse(payload);
    if (!p.success) return null;
    const { id, kind: _kind, ...library } = p.data;
    return id === `tape-library:${libraryKey(library)}` ? { kind, library } : null;
  }
  if (kind === 'tape-drive') {
    const p = DriveUpdateSchema.safeParse(payload);
    if (!p.success) return null;
    const { id, kind: _kind, ...drive } = p.data;
    return id === `tape-drive:${drive.serial ?? drive.ref}` ? { kind, drive } : null;
  }
  return null;
}

/** Replaces the device with the same `ref` (appends a new one) unless what is held is newer. */
function upsertByRef<T extends { ref: string; updatedAt: string }>(
  list: readonly T[],
  next: T,
): readonly T[] {
  const i = list.findIndex((x) => x.ref === next.ref);
  if (i < 0) return [...list, next];
  if (list[i]!.updatedAt > next.updatedAt) return list;
  const copy = list.slice();
  copy[i] = next;
  return copy;
}

/**
 * Tape libraries and drives as the console reads them, and the element map of the library on
 * screen. Live: `applyUpdate` takes every `device:updated`; a library whose `inventoryVersion`
 * differs from the map held re-reads the map (one request however many updates arrive). Only
 * one library's map is held: a datacenter library has 1,000 slots, and the page shows one.
 */
export const useLibrariesStore = defineStore('libraries', () => {
  const libraries = shallowRef<readonly TapeLibrary[]>([]);
  const drives = shallowRef<readonly TapeDrive[]>([]);
  const loading = shallowRef(false);
  const loaded = shallowRef(false);
  const error = shallowRef<string | null>(null);
  /** The library whose element map is wanted (its serial), or null. */
  const selected = shallowRef<string | null>(null);
  const inventory = shallowRef<LibraryInventoryState | null>(null);
  const inventoryError = shallowRef<string | null>(null);

  const drivesBySerial = computed(
    () => new Map(drives.value.filter((d) => d.serial !== null).map((d) => [d.serial!, d])),
  );

  let generation = 0;

  function upsertLibrary(library: TapeLibrary): void {
    libraries.value = upsertByRef(libraries.value, library);
  }

  function upsertDrive(drive: TapeDrive): void {
    drives.value = upsertByRef(drives.value, drive);
  }

  const readInventory = coalesced(async () => {
    const serial = selected.value;
    if (serial === null) return;
    const asked = generation;
    try {
      const answer = await api.call('tape.library', { params: { serial } });
      if (asked !== generation || serial !== selected.value) return;
      upsertLibrary(answer.library);
      inventory.value = {
        serial,
        version: answer.library.inventoryVersion,
        // Never mutated, only replaced: no deep reactivity over a thousand elements.
        elements: markRaw(answer.elements),
      };
      inventoryError.value = null;
    } catch (err) {
      if (asked === generation && serial === selected.value) inventoryError.value = errorMessage(err);
    }
  });

  /** Reads the selected library's map if the one held is for another library or another version. */
  function syncInventory(): Promise<void> {
    const serial = selected.value;
    if (serial === null) return Promise.resolve();
    const library = libraries.value.find((l) => l.serial === serial);
    const held = inventory.value;
    if (held?.serial === serial && library && library.inventoryVersion === held.version)
      return Promise.resolve();
    return readInventory();
  }

  const readAll = coalesced(async () => {
    const asked = generation;
    loading.value = true;
    try {
      const [l, d] = await Promise.all([api.call('tape.libraries'), api.call('tape.drives')]);
      if (asked !== generation) return;
      libraries.value = l.libraries;
      drives.value = d.drives;
      loaded.value = true;
      error.value = null;
    } catch (err) {
      if (asked === generation) error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  });

  /** Reads libraries and drives (and the open library's map when it changed). */
  async function hydrate(): Promise<void> {
    await readAll();
    await syncInventory();
  }

  /** Shows library `serial`'s map (read when not held at the current version). */
  function open(serial: string | null): Promise<void> {
    if (serial !== selected.value) {
      selected.value = serial;
      inventoryError.value = null;
      if (inventory.value?.serial !== serial) inventory.value = null;
    }
    return syncInventory();
  }

  /** A live `device:updated` (any device; only tape is taken). Returns what it held, if tape. */
  function applyUpdate(payload: unknown): TapeUpdate | null {
    const update = parseTapeUpdate(payload);
    if (update?.kind === 'tape-library') {
      upsertLibrary(update.library);
      if (update.library.serial !== null && update.library.serial === selected.value) void syncInventory();
    } else if (update?.kind === 'tape-drive') upsertDrive(update.drive);
    return update;
  }

  /** Re-reads every library and drive on the server (operators), then shows the answer. */
  async function refresh(): Promise<void> {
    const answer = await api.call('tape.refresh');
    libraries.value = answer.libraries;
    drives.value = answer.drives;
    loaded.value = true;
    error.value = null;
    await syncInventory();
  }

  /** Moves `barcode` into the drive with `driveSerial`; rejects with the server's ApiError. */
  async function mount(librarySerial: string, barcode: string, driveSerial: string): Promise<MoveResult> {
    const result = await api.call('tape.mount', {
      params: { serial: librarySerial },
      body: { barcode, driveSerial },
    });
    upsertLibrary(result.library);
    await syncInventory();
    return result;
  }

  /** Unloads the drive and returns its cartridge home (or to `destination`, a slot address). */
  async function unmount(
    librarySerial: string,
    driveSerial: string,
    destination?: number,
  ): Promise<MoveResult> {
    const result = await api.call('tape.unmount', {
      params: { serial: librarySerial },
      body: { driveSerial, ...(destination !== undefined && { destination }) },
    });
    upsertLibrary(result.library);
    await syncInventory();
    return result;
  }

  function dehydrate(): void {
    generation += 1;
    libraries.value = [];
    drives.value = [];
    loaded.value = false;
    error.value = null;
    selected.value = null;
    inventory.value = null;
    inventoryError.value = null;
  }

  return {
    libraries,
    drives,
    loading,
    loaded,
    error,
    selected,
    inventory,
    inventoryError,
    drivesBySerial,
    hydrate,
    open,
    applyUpdate,
    refresh,
    mount,
    unmount,
    dehydrate,
  };
});
