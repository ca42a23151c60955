import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { HsmStatusDto } from '../../../shared/schemas/hsm.ts';
import { api, errorMessage } from '../api/http.ts';

/**
 * The HSM as a device: token, module, login state, mechanisms and latency. An unreachable HSM
 * is a normal answer (`reachable: false` with the driver's error); `error` is for when the
 * console itself could not be asked.
 */
export const useHsmStore = defineStore('hsm', () => {
  const status = shallowRef<HsmStatusDto | null>(null);
  const loading = shallowRef(false);
  const error = shallowRef<string | null>(null);

  async function hydrate(): Promise<void> {
    if (loading.value) return;
    loading.value = true;
    try {
      status.value = await api.call('hsm.status');
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  function dehydrate(): void {
    status.value = null;
    error.value = null;
  }

  return { status, loading, error, hydrate, dehydrate };
});
