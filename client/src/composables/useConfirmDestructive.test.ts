// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { ApiError } from '../api/http.ts';
import { deferred } from '../testing/fake-fetch.ts';
import { useConfirmDestructive } from './useConfirmDestructive.ts';

function setup<R>(action: (subject: string, input: string) => Promise<R>, onDone = vi.fn()) {
  const scope = effectScope();
  const confirm = scope.run(() => useConfirmDestructive(action, { onDone }))!;
  return { scope, confirm, onDone };
}

describe('useConfirmDestructive', () => {
  it('runs the action for the asked subject with the typed text, then closes', async () => {
    const action = vi.fn((subject: string, input: string) => Promise.resolve(`${subject}:${input}`));
    const { confirm, onDone } = setup(action);
    expect(await confirm.confirm('ignored: nothing asked')).toBeUndefined();
    confirm.ask('kek:v1');
    expect(confirm.subject.value).toBe('kek:v1');
    expect(await confirm.confirm('retired')).toBe('kek:v1:retired');
    expect(action).toHaveBeenCalledTimes(1);
    expect(confirm.subject.value).toBeNull();
    expect(onDone).toHaveBeenCalledWith('kek:v1', 'kek:v1:retired');
  });

  it('stays open with the server’s message and request id when refused', async () => {
    const { confirm, onDone } = setup(() =>
      Promise.reject(
        new ApiError('APPROVAL_SELF', 'A second person must approve this; you requested it', {
          status: 403,
          requestId: 'req-9',
        }),
      ),
    );
    confirm.ask('a1');
    await confirm.confirm();
    expect(confirm.subject.value).toBe('a1');
    expect(confirm.error.value).toEqual({
      message: 'A second person must approve this; you requested it',
      requestId: 'req-9',
    });
    expect(onDone).not.toHaveBeenCalled();
    confirm.ask('a2');
    expect(confirm.error.value).toBeNull();
  });

  it('ignores a second confirm and a cancel while the action runs', async () => {
    const answer = deferred<string>();
    const action = vi.fn(() => answer.promise);
    const { confirm } = setup(action);
    confirm.ask('x');
    const first = confirm.confirm();
    expect(confirm.busy.value).toBe(true);
    await confirm.confirm();
    confirm.cancel();
    expect(confirm.subject.value).toBe('x');
    answer.resolve('done');
    expect(await first).toBe('done');
    expect(action).toHaveBeenCalledTimes(1);
    expect(confirm.busy.value).toBe(false);
  });

  it('cancel closes and forgets the last error', async () => {
    const { confirm } = setup(() => Promise.reject(new Error('no')));
    confirm.ask('x');
    await confirm.confirm();
    confirm.cancel();
    expect(confirm.subject.value).toBeNull();
    expect(confirm.error.value).toBeNull();
  });

  it('drops a result that arrives after the scope is disposed', async () => {
    const answer = deferred<string>();
    const { scope, confirm, onDone } = setup(() => answer.promise);
    confirm.ask('x');
    const pending = confirm.confirm();
    scope.stop();
    answer.resolve('late');
    expect(await pending).toBeUndefined();
    expect(onDone).not.toHaveBeenCalled();
    expect(confirm.subject.value).toBeNull();
  });
});
