import { DriverError } from '../core/driver-error.ts';
import { Pkcs11Connection, toDriverError } from './pkcs11-connection.ts';
import * as keys from './pkcs11-key-ops.ts';
import type { OpContext } from './pkcs11-op-context.ts';
import {
  CONTROL_CANCEL_BASE,
  CONTROL_CLOSING,
  type HsmRequest,
  type MainToWorker,
  type WorkerToMain,
} from './pkcs11-protocol.ts';
import * as secrets from './pkcs11-secret-ops.ts';
import * as signing from './pkcs11-sign-ops.ts';
import { ping, status } from './pkcs11-status.ts';
import { FaultInjector, runTestHook } from './pkcs11-test-hooks.ts';
import { workerHost } from './pkcs11-worker-host.ts';

/**
 * The only thread of the process that touches PKCS#11: the driver's worker thread, or one of its
 * bulk helper processes. Calls arrive from Pkcs11HsmDriver and run one at a time with
 * synchronous pkcs11js calls; this thread may block, the main event loop does not.
 */
const host = workerHost();
const { init, control } = host;
const faults = init.enableTestHooks ? new FaultInjector() : null;

const post = (msg: WorkerToMain, transfer: ArrayBuffer[] = []) => host.post(msg, transfer);

let pinSeq = 0;
const pinWaiters = new Map<number, { resolve: (pin: Uint8Array) => void; reject: (err: Error) => void }>();
const requestPin = () =>
  new Promise<Uint8Array>((resolve, reject) => {
    const reqId = ++pinSeq;
    pinWaiters.set(reqId, { resolve, reject });
    post({ type: 'need-pin', reqId });
  });

const conn = new Pkcs11Connection(
  init,
  requestPin,
  () => post({ type: 'login-done', reqId: pinSeq }),
  (event) => post({ type: 'event', event }),
  faults?.instrument,
);

interface OpResult {
  value: unknown;
  transfer?: ArrayBuffer[];
}
const plain = async (v: unknown): Promise<OpResult> => ({ value: await v });

async function dispatch(ctx: OpContext, req: HsmRequest): Promise<OpResult> {
  switch (req.op) {
    case 'open':
      return plain(conn.connect('open').then(() => null));
    case 'ping':
      return plain(ping(ctx));
    case 'status':
      return plain(status(ctx));
    case 'createKek':
      return plain(keys.createKek(ctx, req.label));
    case 'createHmacKey':
      return plain(keys.createHmacKey(ctx, req.label));
    case 'createSigningKeyPair':
      return plain(keys.createSigningKeyPair(ctx, req.label));
    case 'hasKey':
      return plain(keys.hasKey(ctx, req.label));
    case 'destroyKey':
      return plain(keys.destroyKey(ctx, req.label));
    case 'describeKey':
      return plain(keys.describeKey(ctx, req.label));
    case 'publicKeySpki':
      return keys.publicKeySpki(ctx, req.label);
    case 'generateWrapped':
      return secrets.generateWrapped(ctx, req.kekLabel, req.kind, req.count);
    case 'unwrap':
      return secrets.unwrapSecret(ctx, req.kekLabel, req.kind, req.wrapped);
    case 'rewrap':
      return secrets.rewrap(ctx, req);
    case 'hmac':
      return signing.hmacBatch(ctx, req.label, req.data);
    case 'signDigest':
      return signing.signDigest(ctx, req.label, req.digest);
    case 'random':
      return signing.random(ctx, req.n);
    case 'testHook':
      if (!faults) throw new DriverError('HSM_INVALID_ARGUMENT', 'test hooks are disabled');
      return plain(runTestHook(ctx, faults, req.hook));
  }
}

async function handleCall(id: number, slot: number, request: HsmRequest): Promise<void> {
  const state = { recovered: false };
  const ctx: OpContext = {
    conn,
    checkCancelled: () => {
      if (Atomics.load(control, CONTROL_CLOSING) !== 0) throw new DriverError('HSM_CLOSED');
      if (Atomics.load(control, CONTROL_CANCEL_BASE + slot) === id) throw new DriverError('HSM_ABORTED');
    },
    run: (fn) => conn.attempt(request.op, state, fn),
  };
  try {
    // A call given up on while it waited here behind the previous one is dropped unstarted.
    ctx.checkCancelled();
    const { value, transfer } = await dispatch(ctx, request);
    post({ type: 'result', id, ok: true, value }, transfer);
  } catch (err) {
    const e = toDriverError(err, request.op);
    const error = { code: e.code, message: e.message, retryable: e.retryable, detail: e.detail };
    post({ type: 'result', id, ok: false, error });
  }
}

// One call at a time, in arrival order; `close` waits for the call in progress.
let current = Promise.resolve();
host.onMessage((msg: MainToWorker) => {
  if (msg.type === 'call') {
    current = current.then(() => handleCall(msg.id, msg.slot, msg.request));
  } else if (msg.type === 'pin') {
    const waiter = pinWaiters.get(msg.reqId);
    pinWaiters.delete(msg.reqId);
    if (msg.pin) waiter?.resolve(msg.pin);
    else
      waiter?.reject(
        new DriverError(msg.error.code, msg.error.message, {
          detail: msg.error.detail,
          retryable: msg.error.retryable,
        }),
      );
  } else if (msg.type === 'close') {
    current = current.then(() => {
      conn.disconnect();
      post({ type: 'closed' });
    });
  }
});
