import type { PKCS11 } from 'pkcs11js';
import { DriverError } from '../core/driver-error.ts';
import { CKA, CKO } from './pkcs11-constants.ts';
import { ckrOf, describeCkr } from './pkcs11-errors.ts';
import { asBuffer, type OpContext } from './pkcs11-op-context.ts';
import type { TestHook } from './pkcs11-protocol.ts';
import { knownKeyTemplate } from './pkcs11-templates.ts';

/**
 * Fault injection and probes for the contract tests (STYLE house rule 6: faults are scripted
 * inside the test). Only reachable when the driver was built with `enableTestHooks`.
 */
export class FaultInjector {
  #fault: { ckr: number; count: number; fn?: string } | null = null;

  arm(ckr: number, count: number, fn?: string): void {
    this.#fault = fn === undefined ? { ckr, count } : { ckr, count, fn };
  }

  /** Wraps the module so armed faults fire before the real call, like a failing HSM would. */
  instrument = (p: PKCS11): PKCS11 => {
    const bound = new Map<string | symbol, unknown>();
    return new Proxy(p, {
      get: (target, name) => {
        const value: unknown = Reflect.get(target, name);
        if (typeof name !== 'string' || !name.startsWith('C_') || typeof value !== 'function') return value;
        if (!bound.has(name))
          bound.set(name, (...args: unknown[]) => {
            const f = this.#fault;
            if (f && f.count > 0 && (f.fn === undefined || f.fn === name)) {
              f.count--;
              // The shape pkcs11js gives its untyped errors: name and decimal number.
              throw new Error(`${describeCkr(f.ckr).ckrName}:${f.ckr}`);
            }
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          });
        return bound.get(name);
      },
    });
  };
}

export function runTestHook(ctx: OpContext, faults: FaultInjector, hook: TestHook): unknown {
  const { conn } = ctx;
  switch (hook.kind) {
    case 'close-all-sessions':
      conn.p.C_CloseAllSessions(conn.slot);
      return null;
    case 'logout':
      conn.p.C_Logout(conn.session);
      return null;
    case 'fail-next':
      faults.arm(hook.ckr, hook.count, hook.fn);
      return null;
    case 'probe-value':
      return ctx.run(() => {
        const [h] = conn.findByLabel(hook.label);
        if (!h) throw new DriverError('HSM_KEY_NOT_FOUND', `no key labelled ${hook.label}`);
        try {
          const value = conn.p.C_GetAttributeValue(conn.session, h, [{ type: CKA.VALUE }])[0]?.value;
          value?.fill(0);
          return { readable: true };
        } catch (err) {
          const ckr = ckrOf(err);
          return { readable: false, ckrName: ckr === undefined ? 'none' : describeCkr(ckr).ckrName };
        }
      });
    case 'import-known-key':
      return ctx.run(() => {
        const template = knownKeyTemplate(hook.label, hook.type, asBuffer(hook.value));
        conn.p.C_CreateObject(conn.session, template);
        conn.forget(hook.label);
        return { objectClass: CKO.SECRET_KEY };
      });
  }
}
