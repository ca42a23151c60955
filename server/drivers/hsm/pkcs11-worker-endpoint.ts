import { fork, type ChildProcess } from 'node:child_process';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import {
  CONTROL_LENGTH,
  PROCESS_INIT_ENV,
  type MainToWorker,
  type WorkerInit,
  type WorkerToMain,
} from './pkcs11-protocol.ts';

/**
 * The driver's end of one pkcs11-worker.ts: a worker thread (every call) or a helper process
 * (bulk batches; SoftHSM serialises PKCS#11 calls within a process, not across processes).
 */
export interface WorkerEndpoint {
  post(msg: MainToWorker, transfer?: ArrayBuffer[]): void;
  /** control[index] = value where the worker reads it between batch items. */
  setControl(index: number, value: number): void;
  onMessage(fn: (msg: WorkerToMain) => void): void;
  /** The worker stopped on its own (crash, exit) or could not start; `reason` names no secret. */
  onStopped(fn: (reason: string) => void): void;
  terminate(): Promise<void>;
}

export type WorkerKind = 'thread' | 'process';

/** Running as TypeScript, entries go through worker-bootstrap.mjs; once compiled, straight to the .js. */
function entry(): { script: URL; tsEntry?: string } {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return { script: new URL('./pkcs11-worker.js', self) };
  return {
    script: new URL('./worker-bootstrap.mjs', self),
    tsEntry: new URL('./pkcs11-worker.ts', self).href,
  };
}

/**
 * SHARE_ENV: the C library reads SOFTHSM2_CONF with getenv(), which a worker's private env copy
 * would not reach.
 */
function threadEndpoint(init: Omit<WorkerInit, 'control'>): WorkerEndpoint {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * 4));
  const { script, tsEntry } = entry();
  const worker = new Worker(script, {
    workerData: { ...init, control: control.buffer, ...(tsEntry && { entry: tsEntry }) },
    env: SHARE_ENV,
  });
  return {
    post: (msg, transfer = []) => worker.postMessage(msg, transfer),
    setControl: (index, value) => Atomics.store(control, index, value),
    onMessage: (fn) => worker.on('message', fn),
    onStopped: (fn) => {
      worker.on('error', (err) => fn(err.name));
      worker.on('exit', (code) => fn(`exit ${code}`));
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/**
 * A child process speaking the same protocol over IPC (structured clone, so byte arrays are
 * copied once instead of transferred). Its init travels in the environment (module path, token
 * label, config path: no secrets); the PIN comes later over the IPC channel, never in argv.
 */
function processEndpoint(init: Omit<WorkerInit, 'control'>): WorkerEndpoint {
  const { script, tsEntry } = entry();
  const child: ChildProcess = fork(script, tsEntry ? [tsEntry] : [], {
    serialization: 'advanced',
    execArgv: [],
    env: { ...process.env, [PROCESS_INIT_ENV]: JSON.stringify(init) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A send racing the child's death fails in the callback; the exit event reports the death.
  const send = (msg: MainToWorker) => {
    if (child.connected) child.send(msg, () => undefined);
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    // The message is serialised by send(); "transferring" a buffer to a process means zeroing
    // ours (a PIN, a blob).
    post: (msg, transfer = []) => {
      send(msg);
      for (const buffer of transfer) new Uint8Array(buffer).fill(0);
    },
    setControl: (index, value) => send({ type: 'control', index, value }),
    onMessage: (fn) => child.on('message', (msg) => fn(msg as WorkerToMain)),
    onStopped: (fn) => {
      child.on('error', (err) => fn(err.name));
      child.on('exit', (code, signal) => fn(`exit ${code ?? signal}`));
    },
    terminate: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function spawnWorker(kind: WorkerKind, init: Omit<WorkerInit, 'control'>): WorkerEndpoint {
  return kind === 'thread' ? threadEndpoint(init) : processEndpoint(init);
}
