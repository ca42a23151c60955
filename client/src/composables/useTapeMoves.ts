import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import type { LibraryElement } from '../../../shared/schemas/tape.ts';
import { isApiError } from '../api/http.ts';
import { useLibrariesStore, type MoveResult } from '../stores/libraries.ts';

/** What the dialog asks about: a cartridge to mount, or a drive to empty. */
export type TapeMoveRequest =
  | { kind: 'mount'; library: string; element: LibraryElement }
  | { kind: 'unmount'; library: string; element: LibraryElement };

/** A refused move as the server put it: code, message, the device's sense, request id. */
export interface TapeMoveError {
  code: string;
  message: string;
  /** Decoded sense (`5/3B/0D MEDIUM DESTINATION ELEMENT FULL`), when the device answered with one. */
  sense: string | null;
  requestId: string | undefined;
}

export function toTapeMoveError(err: unknown): TapeMoveError {
  if (isApiError(err)) {
    const sense = err.details.find((d) => d.path === 'sense')?.message ?? null;
    return { code: err.code, message: err.message, sense, requestId: err.requestId };
  }
  return {
    code: 'ERROR',
    message: err instanceof Error ? err.message : String(err),
    sense: null,
    requestId: undefined,
  };
}

export interface UseTapeMovesReturn {
  /** The move being confirmed (the dialog is open while this is not null). */
  request: ShallowRef<TapeMoveRequest | null>;
  busy: ShallowRef<boolean>;
  /** Why the last attempt was refused; the dialog stays open to show it. */
  error: ShallowRef<TapeMoveError | null>;
  /** What the last move did, in words (until the next one). */
  done: ShallowRef<string | null>;
  ask: (request: TapeMoveRequest) => void;
  /** Runs the move; a mount names the drive (`driveSerial`). Closes on success. */
  confirm: (driveSerial?: string) => Promise<MoveResult | undefined>;
  cancel: () => void;
}

/** Mount and unmount behind a confirmation that keeps the server's refusal on screen. */
export function useTapeMoves(): UseTapeMovesReturn {
  const store = useLibrariesStore();
  const request = shallowRef<TapeMoveRequest | null>(null);
  const busy = shallowRef(false);
  const error = shallowRef<TapeMoveError | null>(null);
  const done = shallowRef<string | null>(null);
  let disposed = false;

  function ask(next: TapeMoveRequest): void {
    if (busy.value) return;
    request.value = next;
    error.value = null;
  }

  async function confirm(driveSerial?: string): Promise<MoveResult | undefined> {
    const r = request.value;
    if (!r || busy.value) return undefined;
    const serial = r.kind === 'mount' ? driveSerial : (r.element.driveSerial ?? undefined);
    if (!serial) return undefined;
    busy.value = true;
    error.value = null;
    try {
      const result =
        r.kind === 'mount'
          ? await store.mount(r.library, r.element.barcode ?? '', serial)
          : await store.unmount(r.library, serial);
      if (disposed) return undefined;
      request.value = null;
      done.value =
        r.kind === 'mount'
          ? `${result.barcode ?? 'The cartridge'} was mounted in drive ${serial} (element ${result.source} → ${result.destination}).`
          : `${result.barcode ?? 'The cartridge'} was unmounted from drive ${serial} to element ${result.destination}.`;
      return result;
    } catch (err) {
      if (!disposed) error.value = toTapeMoveError(err);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  function cancel(): void {
    if (busy.value) return;
    request.value = null;
    error.value = null;
  }

  onScopeDispose(() => {
    disposed = true;
    request.value = null;
  });

  return { request, busy, error, done, ask, confirm, cancel };
}
