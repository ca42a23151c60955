import { parentPort, workerData } from 'node:worker_threads';
import { DriverError } from '../core/driver-error.ts';
import { Pkcs11Connection, toDriverError } from './pkcs11-connection.ts';
import * as keys from './pkcs11-key-ops.ts';
import type { OpContext } from './pkcs11-op-context.ts';
import {
  CONTROL_CANCEL_ID,
  CONTROL_CLOSING,
  type HsmRequest,
  type MainToWorker,
  type WorkerInit,
  type WorkerToMain,
} from './pkcs11-protocol.ts';
import * as secrets from './pkcs11-secret-ops.ts';
import * as signing from './pkcs11-sign-ops.ts';
import { ping, status } from './pkcs11-status.ts';
import { FaultInjector, runTestHook } from './pkcs11-test-hooks.ts';

/**
 * The only thread that touches PKCS#11. Calls arrive one at a time from Pkcs11HsmDriver and run
 * with synchronous pkcs11js calls; this thread may block, the main event loop does not.
 */
const port = parentPort!;
const init = workerData as WorkerInit;
const control = new Int32Array(init.control);
const faults = init.enableTestHooks ? new FaultInjector() : null;

const post = (msg: WorkerToMain, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

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

async function handleCall(id: number, request: HsmRequest): Promise<void> {
  const state = { recovered: false };
  const ctx: OpContext = {
    conn,
    checkCancelled: () => {
      if (Atomics.load(control, CONTROL_CLOSING) !== 0) throw new DriverError('HSM_CLOSED');
      if (Atomics.load(control, CONTROL_CANCEL_ID) === id) throw new DriverError('HSM_ABORTED');
    },
    run: (fn) => conn.attempt(request.op, state, fn),
  };
  try {
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
port.on('message', (msg: MainToWorker) => {
  if (msg.type === 'call') {
    current = current.then(() => handleCall(msg.id, msg.request));
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
  } else {
    current = current.then(() => {
      conn.disconnect();
      post({ type: 'closed' });
    });
  }
});
