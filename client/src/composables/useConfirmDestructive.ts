import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import { ApiError, errorMessage } from '../api/http.ts';

/** A failure to show in the dialog: the server's message and its request id for support. */
export interface ConfirmError {
  message: string;
  requestId: string | undefined;
}

export interface UseConfirmDestructiveOptions<S, R> {
  /** Called after the action succeeded and the dialog closed. @default undefined */
  onDone?: (subject: S, result: R) => void;
}

export interface UseConfirmDestructiveReturn<S, R> {
  /** What is being confirmed (the dialog is open while this is not null). */
  subject: ShallowRef<S | null>;
  /** Whether the action is running. */
  busy: ShallowRef<boolean>;
  /** Why the last attempt failed; the dialog stays open so the person can read it. */
  error: ShallowRef<ConfirmError | null>;
  /** Opens the confirmation for `subject`. */
  ask: (subject: S) => void;
  /** Runs the action with the text the person typed (reason, note); closes on success. */
  confirm: (input?: string) => Promise<R | undefined>;
  /** Closes without acting (ignored while the action runs). */
  cancel: () => void;
}

/**
 * A confirmation step in front of an action that cannot be undone or that others must approve:
 * ask → confirm (with an optional typed reason) → action, keeping the dialog open with the
 * server's message when it refuses. A result arriving after the scope is disposed is dropped.
 */
export function useConfirmDestructive<S, R>(
  action: (subject: S, input: string) => Promise<R>,
  options: UseConfirmDestructiveOptions<S, R> = {},
): UseConfirmDestructiveReturn<S, R> {
  const subject: ShallowRef<S | null> = shallowRef(null);
  const busy = shallowRef(false);
  const error = shallowRef<ConfirmError | null>(null);
  let disposed = false;

  function ask(next: S): void {
    if (busy.value) return;
    subject.value = next;
    error.value = null;
  }

  async function confirm(input = ''): Promise<R | undefined> {
    const current = subject.value;
    if (current === null || busy.value) return undefined;
    busy.value = true;
    error.value = null;
    try {
      const result = await action(current, input);
      if (disposed) return undefined;
      subject.value = null;
      options.onDone?.(current, result);
      return result;
    } catch (err) {
      if (!disposed)
        error.value = {
          message: errorMessage(err),
          requestId: err instanceof ApiError ? err.requestId : undefined,
        };
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  function cancel(): void {
    if (busy.value) return;
    subject.value = null;
    error.value = null;
  }

  onScopeDispose(() => {
    disposed = true;
    subject.value = null;
  });

  return { subject, busy, error, ask, confirm, cancel };
}
