import { computed, onScopeDispose, shallowRef, type ComputedRef, type ShallowRef } from 'vue';
import type { z } from 'zod';
import type { ApprovalPolicy } from '../../../shared/schemas/approvals.ts';
import type { EraseMethod, EraseRequest, EraseTargetsSchema } from '../../../shared/schemas/erase.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { ERASE_APPROVAL_ACTION } from '../components/erase/labels.ts';
import { cronProblem, localTimeZone } from '../components/erase/schedule.ts';
import { useApprovalPolicyStore } from '../stores/approval-policy.ts';
import { useEraseStore, type EraseRequestBody } from '../stores/erase.ts';
import type { ConfirmError } from './useConfirmDestructive.ts';

export type EraseTargets = z.infer<typeof EraseTargetsSchema>;

/** What a retire action asks to erase: the targets and how to name them. */
export interface EraseSubject {
  /** Decides the methods offered: SED drives or tape cartridges. */
  media: 'sed' | 'tape';
  /** What is erased, in words: `cartridge A00001L9`, `every live cartridge of pool LTO-9`. */
  label: string;
  /** A `cartridge-range` target is offered for editing (from, to); the others are fixed. */
  targets: EraseTargets;
  /** SED: the drive's locking ranges, offered for a range re-key. @default [0] */
  ranges?: readonly number[];
  /**
   * The methods that fit these targets, first the default (a drive that is not enrolled: only
   * the PSID revert). @default METHODS[media]
   */
  methods?: readonly EraseMethod[];
  /** Why only some methods are offered, for the dialog. @default undefined */
  methodsNote?: string;
}

export type ScheduleKind = 'now' | 'at' | 'window';

/** The dialog's fields, as the inputs hold them. */
export interface EraseForm {
  method: EraseMethod;
  /** sed-range-rekey: the locking range. */
  range: number;
  /** cartridge-range targets: the bounds, as typed. */
  from: string;
  to: string;
  schedule: ScheduleKind;
  /** `at`: a `datetime-local` value (the browser's time zone). */
  at: string;
  cron: string;
  timeZone: string;
  reason: string;
}

export const METHODS: Record<EraseSubject['media'], readonly EraseMethod[]> = {
  sed: ['sed-revert', 'sed-range-rekey', 'sed-psid-revert'],
  tape: ['tape-shred'],
};

/** The methods offered for `subject`, the default first. */
export const methodsOf = (subject: EraseSubject): readonly EraseMethod[] =>
  subject.methods ?? METHODS[subject.media];

/** The usual maintenance window: Saturday 02:00. */
export const DEFAULT_WINDOW_CRON = '0 2 * * SAT';

const pad = (n: number): string => String(n).padStart(2, '0');
/** A `datetime-local` value for `d` in the browser's time zone. */
export const toLocalInput = (d: Date): string =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

export function defaultForm(subject: EraseSubject, now: Date = new Date()): EraseForm {
  const t = subject.targets;
  const inAnHour = new Date(now.getTime() + 3_600_000);
  inAnHour.setMinutes(0, 0, 0);
  return {
    method: methodsOf(subject)[0]!,
    range: subject.ranges?.[0] ?? 0,
    from: t.kind === 'cartridge-range' ? t.from : '',
    to: t.kind === 'cartridge-range' ? t.to : '',
    schedule: 'now',
    at: toLocalInput(inAnHour),
    cron: DEFAULT_WINDOW_CRON,
    timeZone: localTimeZone(),
    reason: '',
  };
}

const BARCODE = /^[A-Z0-9]{6}(L[1-9A-Z]|M8)?$/;

/** What keeps the form from being sent, in words, or null when it may be sent. */
export function formProblem(subject: EraseSubject, form: EraseForm, now: Date = new Date()): string | null {
  if (!methodsOf(subject).includes(form.method)) return 'Choose a method.';
  if (subject.targets.kind === 'cartridge-range') {
    const [from, to] = [form.from.trim().toUpperCase(), form.to.trim().toUpperCase()];
    if (!BARCODE.test(from) || !BARCODE.test(to)) return 'Give the range as two barcodes, e.g. A00001L9.';
    if (from > to) return 'The range starts after it ends.';
  }
  if (form.schedule === 'at') {
    const at = new Date(form.at);
    if (Number.isNaN(at.getTime())) return 'Give a date and time.';
    if (at.getTime() <= now.getTime()) return 'That time has passed.';
  }
  if (form.schedule === 'window') {
    const problem = cronProblem(form.cron.trim(), form.timeZone, now);
    if (problem) return `The window "${form.cron.trim()}" does not work: ${problem}`;
  }
  if (form.reason.trim().length < 3) return 'Say why, for the audit trail and the approver.';
  return null;
}

/** The request body for `erase.create` from the subject and the form (check `formProblem` first). */
export function buildEraseRequest(subject: EraseSubject, form: EraseForm): EraseRequestBody {
  const targets: EraseTargets =
    subject.targets.kind === 'cartridge-range'
      ? { kind: 'cartridge-range', from: form.from.trim().toUpperCase(), to: form.to.trim().toUpperCase() }
      : subject.targets;
  const schedule: EraseRequestBody['schedule'] =
    form.schedule === 'now'
      ? { kind: 'now' }
      : form.schedule === 'at'
        ? { kind: 'at', at: new Date(form.at).toISOString() }
        : { kind: 'window', cron: form.cron.trim(), timeZone: form.timeZone };
  return {
    method: form.method,
    targets,
    ...(form.method === 'sed-range-rekey' && { range: form.range }),
    schedule,
    reason: form.reason.trim(),
  };
}

export interface UseEraseRequestReturn {
  /** What the dialog is open for (it is open while this or `created` is set). */
  subject: ShallowRef<EraseSubject | null>;
  busy: ShallowRef<boolean>;
  /** Why the server refused (the dialog stays open to show it). */
  error: ShallowRef<ConfirmError | null>;
  /** The request as the server created it: the dialog shows that it awaits approval. */
  created: ShallowRef<EraseRequest | null>;
  /** The approval policy an erase request falls under (read when the dialog opens), or null. */
  policy: ComputedRef<ApprovalPolicy | null>;
  ask: (subject: EraseSubject) => void;
  submit: (form: EraseForm) => Promise<void>;
  close: () => void;
}

/**
 * The retire dialog's flow, shared by the Tapes page and the drive page: ask for a subject,
 * send the request, keep the server's refusal on screen, and on success show the created
 * request (pending a second person's approval) until the person closes it.
 */
export function useEraseRequest(): UseEraseRequestReturn {
  const store = useEraseStore();
  const policies = useApprovalPolicyStore();
  const policy = computed(() => policies.byAction.get(ERASE_APPROVAL_ACTION) ?? null);
  const subject = shallowRef<EraseSubject | null>(null);
  const busy = shallowRef(false);
  const error = shallowRef<ConfirmError | null>(null);
  const created = shallowRef<EraseRequest | null>(null);
  let disposed = false;

  function ask(next: EraseSubject): void {
    if (busy.value) return;
    subject.value = next;
    created.value = null;
    error.value = null;
    // The policy may have changed since the page was opened: read it again for the dialog.
    void policies.hydrate();
  }

  async function submit(form: EraseForm): Promise<void> {
    const current = subject.value;
    if (!current || busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      const request = await store.create(buildEraseRequest(current, form));
      if (disposed) return;
      created.value = request;
    } catch (err) {
      if (!disposed)
        error.value = {
          message: errorMessage(err),
          requestId: err instanceof ApiError ? err.requestId : undefined,
        };
    } finally {
      busy.value = false;
    }
  }

  function close(): void {
    if (busy.value) return;
    subject.value = null;
    created.value = null;
    error.value = null;
  }

  onScopeDispose(() => {
    disposed = true;
    subject.value = null;
  });

  return { subject, busy, error, created, policy, ask, submit, close };
}
