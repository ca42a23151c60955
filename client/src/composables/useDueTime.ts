import {
  computed,
  onScopeDispose,
  shallowRef,
  toValue,
  watch,
  type ComputedRef,
  type MaybeRefOrGetter,
} from 'vue';

export interface UseDueTimeOptions {
  /** How often to look at the clock while waiting. @default 1000 */
  intervalMs?: number;
}

export interface UseDueTimeReturn {
  /** Whether `at` has come (false while it is null). */
  due: ComputedRef<boolean>;
  /** Milliseconds until `at` (0 once due or when null). */
  remainingMs: ComputedRef<number>;
}

/**
 * Whether a moment has come, for controls that open at a time (a PSID revert at its `runAt`).
 * Looks at the clock every `intervalMs` while it waits (so a clock that jumps, after a laptop
 * sleeps, is noticed within a tick), and not at all once due or while `at` is null.
 */
export function useDueTime(
  at: MaybeRefOrGetter<string | null>,
  options: UseDueTimeOptions = {},
): UseDueTimeReturn {
  const intervalMs = options.intervalMs ?? 1_000;
  const now = shallowRef(Date.now());
  const atMs = computed(() => {
    const value = toValue(at);
    const ms = value === null ? Number.NaN : new Date(value).getTime();
    return Number.isNaN(ms) ? null : ms;
  });
  const remainingMs = computed(() => (atMs.value === null ? 0 : Math.max(0, atMs.value - now.value)));
  const due = computed(() => atMs.value !== null && remainingMs.value === 0);

  let timer: ReturnType<typeof setInterval> | undefined;
  function sync(): void {
    const waiting = atMs.value !== null && !due.value;
    if (waiting && timer === undefined)
      timer = setInterval(() => {
        now.value = Date.now();
        sync();
      }, intervalMs);
    else if (!waiting && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }
  const stop = watch(
    atMs,
    () => {
      now.value = Date.now();
      sync();
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    stop();
    clearInterval(timer);
    timer = undefined;
  });
  return { due, remainingMs };
}
