import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { ApiToken, CreatedApiToken } from '../../../shared/schemas/auth.ts';
import { api, errorMessage } from '../api/http.ts';

/** The signed-in user's own API tokens. The secret of a new token is returned, never stored here. */
export const useTokensStore = defineStore('tokens', () => {
  const tokens = shallowRef<readonly ApiToken[]>([]);
  const loading = shallowRef(false);
  const error = shallowRef<string | null>(null);

  async function hydrate(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      tokens.value = (await api.call('tokens.list')).tokens;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  async function create(name: string, expiresInDays: number): Promise<CreatedApiToken> {
    const created = await api.call('tokens.create', { body: { name, expiresInDays } });
    tokens.value = [created.token, ...tokens.value.filter((t) => t.id !== created.token.id)];
    return created;
  }

  async function revoke(id: string): Promise<void> {
    await api.call('tokens.revoke', { params: { id } });
    await hydrate();
  }

  function dehydrate(): void {
    tokens.value = [];
    error.value = null;
  }

  return { tokens, loading, error, hydrate, create, revoke, dehydrate };
});
