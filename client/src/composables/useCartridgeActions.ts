import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import type { Cartridge } from '../../../shared/schemas/cartridges.ts';
import { errorMessage } from '../api/http.ts';
import { useCartridgesStore, type MountPurpose } from '../stores/cartridges.ts';
import { useConfirmDestructive, type UseConfirmDestructiveReturn } from './useConfirmDestructive.ts';
import { toTapeMoveError, type TapeMoveError } from './useTapeMoves.ts';

export interface UseCartridgeActionsReturn {
  /** The cartridge the mount dialog is open for, or null. */
  mounting: ShallowRef<Cartridge | null>;
  mountBusy: ShallowRef<boolean>;
  /** Why the drive or library refused (code, message, decoded sense); the dialog stays open. */
  mountError: ShallowRef<TapeMoveError | null>;
  askMount: (cartridge: Cartridge) => void;
  confirmMount: (driveSerial: string, purpose: MountPurpose) => Promise<void>;
  cancelMount: () => void;
  /** The barcode being scratched, or null. */
  scratching: ShallowRef<string | null>;
  scratch: (cartridge: Cartridge) => Promise<void>;
  /** Retire goes through a confirmation: its key is deactivated and protects nothing new. */
  retiring: UseConfirmDestructiveReturn<Cartridge, string>;
  /** What the last action did, in words (until the next one). */
  done: ShallowRef<string | null>;
  /** Why the last scratch failed, or null. */
  error: ShallowRef<string | null>;
}

/**
 * What a person does to one cartridge from the table: mount it with its key (operators),
 * scratch it, retire it (key administrators, behind a confirmation). Each keeps the server's
 * refusal on screen; the table follows through `cartridges:updated`.
 */
export function useCartridgeActions(): UseCartridgeActionsReturn {
  const store = useCartridgesStore();
  const mounting = shallowRef<Cartridge | null>(null);
  const mountBusy = shallowRef(false);
  const mountError = shallowRef<TapeMoveError | null>(null);
  const scratching = shallowRef<string | null>(null);
  const done = shallowRef<string | null>(null);
  const error = shallowRef<string | null>(null);
  let disposed = false;

  function askMount(cartridge: Cartridge): void {
    if (mountBusy.value) return;
    mounting.value = cartridge;
    mountError.value = null;
  }

  async function confirmMount(driveSerial: string, purpose: MountPurpose): Promise<void> {
    const cartridge = mounting.value;
    if (!cartridge || mountBusy.value) return;
    mountBusy.value = true;
    mountError.value = null;
    try {
      const r = await store.mount(cartridge.barcode, driveSerial, purpose);
      if (disposed) return;
      mounting.value = null;
      const key = r.keyRef ? `key ${r.keyRef}` : 'no key';
      const mode = `${r.encrypting ? 'encrypting' : 'not encrypting'}, decryption ${r.decryptionMode}`;
      done.value = `${r.barcode} is in drive ${r.driveSerial} with ${key} (${mode}).`;
      error.value = null;
    } catch (err) {
      if (!disposed) mountError.value = toTapeMoveError(err);
    } finally {
      mountBusy.value = false;
    }
  }

  function cancelMount(): void {
    if (mountBusy.value) return;
    mounting.value = null;
    mountError.value = null;
  }

  async function scratch(cartridge: Cartridge): Promise<void> {
    if (scratching.value) return;
    scratching.value = cartridge.barcode;
    try {
      const state = await store.lifecycle(cartridge.barcode, 'scratch');
      if (disposed) return;
      done.value = `${cartridge.barcode} is ${state}: its next write from the beginning gets a fresh key.`;
      error.value = null;
    } catch (err) {
      if (!disposed) error.value = `Scratch ${cartridge.barcode}: ${errorMessage(err)}`;
    } finally {
      scratching.value = null;
    }
  }

  const retiring = useConfirmDestructive((c: Cartridge) => store.lifecycle(c.barcode, 'retire'), {
    onDone: (c, state) => {
      done.value = `${c.barcode} is ${state}: a key of its own was deactivated (it still decrypts, it protects nothing new).`;
      error.value = null;
    },
  });

  onScopeDispose(() => {
    disposed = true;
    mounting.value = null;
  });

  return {
    mounting,
    mountBusy,
    mountError,
    askMount,
    confirmMount,
    cancelMount,
    scratching,
    scratch,
    retiring,
    done,
    error,
  };
}
