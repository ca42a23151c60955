import { parentPort, workerData } from 'node:worker_threads';
import {
  CONTROL_LENGTH,
  PROCESS_INIT_ENV,
  type MainToWorker,
  type WorkerInit,
  type WorkerToMain,
} from './pkcs11-protocol.ts';

/**
 * What pkcs11-worker.ts runs inside: a worker thread of the driver's process, or a helper
 * process of its own (IPC with structured-clone serialisation). Only this file knows which.
 */
export interface WorkerHost {
  init: WorkerInit;
  /** Read with Atomics.load between batch items; see WorkerInit.control. */
  control: Int32Array;
  post(msg: WorkerToMain, transfer?: ArrayBuffer[]): void;
  onMessage(fn: (msg: MainToWorker) => void): void;
}

function threadHost(): WorkerHost {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  if (!init.control) throw new Error('a worker thread needs the shared control array');
  return {
    init,
    control: new Int32Array(init.control),
    post: (msg, transfer = []) => port.postMessage(msg, transfer),
    onMessage: (fn) => port.on('message', fn),
  };
}

function processHost(): WorkerHost {
  const raw = process.env[PROCESS_INIT_ENV];
  if (!raw || !process.send) throw new Error('not started as a PKCS#11 helper process');
  delete process.env[PROCESS_INIT_ENV];
  const init = JSON.parse(raw) as WorkerInit;
  const control = new Int32Array(CONTROL_LENGTH);
  // The driver's process is gone (or closed the channel): nothing will ever ask again.
  process.on('disconnect', () => process.exit(0));
  return {
    init,
    control,
    post: (msg) => {
      if (process.connected) process.send!(msg);
    },
    onMessage: (fn) =>
      process.on('message', (msg: MainToWorker) => {
        if (msg.type === 'control') Atomics.store(control, msg.index, msg.value);
        else fn(msg);
      }),
  };
}

export const workerHost = (): WorkerHost => (parentPort ? threadHost() : processHost());
