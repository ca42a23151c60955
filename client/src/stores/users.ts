import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { Role, User } from '../../../shared/schemas/auth.ts';
import { api, errorMessage } from '../api/http.ts';

/** Console users, for administrators. */
export const useUsersStore = defineStore('users', () => {
  const users = shallowRef<readonly User[]>([]);
  const loading = shallowRef(false);
  const error = shallowRef<string | null>(null);

  async function hydrate(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      users.value = (await api.call('users.list')).users;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  function replace(user: User): void {
    const others = users.value.filter((u) => u.id !== user.id);
    users.value = [...others, user].sort((a, b) => a.username.localeCompare(b.username));
  }

  async function create(username: string, role: Role, password: string): Promise<User> {
    const user = await api.call('users.create', { body: { username, role, password } });
    replace(user);
    return user;
  }

  async function setDisabled(id: string, disabled: boolean): Promise<void> {
    replace(await api.call('users.update', { params: { id }, body: { disabled } }));
  }

  function dehydrate(): void {
    users.value = [];
    error.value = null;
  }

  return { users, loading, error, hydrate, create, setDisabled, dehydrate };
});
