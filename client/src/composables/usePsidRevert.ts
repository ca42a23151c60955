import { shallowRef, type ShallowRef } from 'vue';
import { ApiError, errorMessage } from '../api/http.ts';
import { useEraseStore } from '../stores/erase.ts';
import type { ConfirmError } from './useConfirmDestructive.ts';

export interface UsePsidRevertReturn {
  /** The item whose PSID is being tried, or null. One at a time: each try is at a drive. */
  busyItem: ShallowRef<string | null>;
  /** Why the last try for an item failed (the server's words; they never repeat the PSID). */
  errors: ShallowRef<ReadonlyMap<string, ConfirmError>>;
  /** Sends one item's PSID; true when the console took it (the item is then erased or failed). */
  submit: (requestId: string, itemId: string, psid: string) => Promise<boolean>;
}

/**
 * The Erase schedule's PSID revert: the PSID typed from the drive label travels from the form
 * to the console in one call and is held nowhere else (the form clears its field on submit);
 * what stays is the outcome per item, or the refusal to show beside it.
 */
export function usePsidRevert(): UsePsidRevertReturn {
  const store = useEraseStore();
  const busyItem = shallowRef<string | null>(null);
  const errors = shallowRef<ReadonlyMap<string, ConfirmError>>(new Map());

  function setError(itemId: string, error: ConfirmError | null): void {
    const next = new Map(errors.value);
    if (error) next.set(itemId, error);
    else next.delete(itemId);
    errors.value = next;
  }

  async function submit(requestId: string, itemId: string, psid: string): Promise<boolean> {
    if (busyItem.value !== null) return false;
    busyItem.value = itemId;
    setError(itemId, null);
    try {
      await store.psidRevert(requestId, itemId, psid);
      return true;
    } catch (err) {
      setError(itemId, {
        message: errorMessage(err),
        requestId: err instanceof ApiError ? err.requestId : undefined,
      });
      return false;
    } finally {
      busyItem.value = null;
    }
  }

  return { busyItem, errors, submit };
}
