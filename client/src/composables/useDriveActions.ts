import { shallowRef, type ShallowRef } from 'vue';
import type { SedDrive } from '../../../shared/schemas/sed.ts';
import { ApiError } from '../api/http.ts';
import { actionApplies, type DriveAction } from '../components/drives/labels.ts';
import { useDrivesStore, type DriveOutcome } from '../stores/drives.ts';
import { useConfirmDestructive, type UseConfirmDestructiveReturn } from './useConfirmDestructive.ts';

/** What the confirmation asks about: the drives the action applies to, and those it skips. */
export interface DriveActionRequest {
  action: DriveAction;
  drives: readonly SedDrive[];
  skipped: readonly SedDrive[];
}

/** The outcome of the last confirmed action, per drive. */
export interface DriveActionResult {
  action: DriveAction;
  outcomes: readonly DriveOutcome[];
}

export interface UseDriveActionsOptions {
  /** Called with every finished action (for example to clear a selection). @default undefined */
  onDone?: (result: DriveActionResult) => void;
}

export interface UseDriveActionsReturn extends Omit<
  UseConfirmDestructiveReturn<DriveActionRequest, DriveActionResult>,
  'ask'
> {
  /** Opens the confirmation for `action` on `drives` (drives it does not apply to are listed as skipped). */
  ask: (action: DriveAction, drives: readonly SedDrive[]) => void;
  /** The last action's per-drive outcomes, until dismissed or the next one. */
  result: ShallowRef<DriveActionResult | null>;
  dismissResult: () => void;
}

/**
 * Enroll, lock, unlock, read-only and rotate behind a confirmation that names every drive.
 * One drive: a refusal keeps the dialog open with the server's code and message. Several: the
 * dialog closes and `result` lists each drive's outcome, since some may succeed and others not.
 */
export function useDriveActions(options: UseDriveActionsOptions = {}): UseDriveActionsReturn {
  const store = useDrivesStore();
  const result = shallowRef<DriveActionResult | null>(null);

  const confirm = useConfirmDestructive(
    async (req: DriveActionRequest): Promise<DriveActionResult> => {
      const outcomes = await store.actOnEach(req.action, req.drives);
      const only = outcomes.length === 1 ? outcomes[0] : undefined;
      if (only && !only.ok)
        throw new ApiError(only.code as ApiError['code'], `${only.code}: ${only.message}`, {
          requestId: only.requestId,
        });
      return { action: req.action, outcomes };
    },
    {
      onDone: (_req, done) => {
        result.value = done;
        options.onDone?.(done);
      },
    },
  );

  function ask(action: DriveAction, drives: readonly SedDrive[]): void {
    result.value = null;
    confirm.ask({
      action,
      drives: drives.filter((d) => actionApplies(action, d)),
      skipped: drives.filter((d) => !actionApplies(action, d)),
    });
  }

  return { ...confirm, ask, result, dismissResult: () => (result.value = null) };
}
