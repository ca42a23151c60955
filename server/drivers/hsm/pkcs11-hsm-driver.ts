import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DriverError } from '../core/driver-error.ts';
import { Secret } from '../core/secret.ts';
import type {
  GenerateWrappedSecretsRequest,
  HsmCallOptions,
  HsmCapabilities,
  HsmDriver,
  HsmKeyAttributes,
  HsmStatus,
  RewrapSecretsRequest,
  UnwrapSecretRequest,
  WrappedSecret,
} from './hsm-driver.ts';
import { formatKcv, KCV_BYTES } from './hsm-codecs.ts';
import * as v from './hsm-validate.ts';
import { BulkLanes } from './pkcs11-bulk-lanes.ts';
import type { HsmOp, HsmRequest, HsmResults, TestHook, WorkerEvent, WorkerInit } from './pkcs11-protocol.ts';
import { Pkcs11WorkerClient, type WorkerClientOptions } from './pkcs11-worker-client.ts';

export interface HsmDriverLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Pkcs11HsmDriverOptions {
  /** Path of the vendor's PKCS#11 library (SoftHSM: /usr/lib/softhsm/libsofthsm2.so). */
  modulePath: string;
  /** Token label; the slot is looked up by it on every (re-)initialisation. */
  tokenLabel: string;
  /**
   * The user PIN, read by the caller from a file or the environment (never argv). A Secret is
   * kept (not disposed) for re-logins after recovery; a function is called for each login and
   * its result disposed right after.
   */
  pin: Secret | (() => Secret | Promise<Secret>);
  /** Environment for the module's C_Initialize, e.g. `{ SOFTHSM2_CONF }`. */
  env?: Record<string, string>;
  /** Re-initialise after this many session objects (SoftHSM frees them only at C_Finalize). Default 50,000; 0 = never. */
  reinitializeAfterOps?: number;
  /** How long close() waits for the worker to log out before terminating it. Default 5,000 ms. */
  closeTimeoutMs?: number;
  /**
   * Helper processes that take generateWrappedSecrets batches of at least `bulkMinBatch` keys
   * (default 256) alongside the worker thread; default 1, 0 = none. Modules like SoftHSM
   * serialise calls inside a process but not across processes (reference §3: 1.9× with two), so
   * bulk enrollment keeps pace with the HSM while the database commits. See BulkLanes.
   */
  bulkProcesses?: number;
  bulkMinBatch?: number;
  logger?: HsmDriverLogger;
  /** Enables `testHook()` (fault injection, probes). Tests only. */
  enableTestHooks?: boolean;
}

/**
 * One PKCS#11 module may be driven by one driver per process: a second C_Initialize from another
 * worker thread crashes SoftHSM about half the time, and both would share (and finalize) the
 * library's one global state (reference §5).
 */
const modulesInUse = new Set<string>();

const copyOf = (b: Uint8Array): Uint8Array => new Uint8Array(b);
const view = (u8: Uint8Array): Buffer => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

/**
 * HsmDriver over a PKCS#11 module, with every PKCS#11 call in one worker thread, except big
 * generateWrappedSecrets batches, which helper processes may take (BulkLanes).
 */
export class Pkcs11HsmDriver implements HsmDriver {
  readonly capabilities: HsmCapabilities = {
    wrapAlgorithm: 'AES-KW-RFC3394',
    wrappedLength: 40,
    kcv: { 'aes-256-key': 'AES-ECB-ZERO-BLOCK-3', 'random-32': 'HMAC-SHA256-KCV-3' },
    signatureEncoding: 'ieee-p1363',
    maxBatchSize: v.MAX_BATCH_SIZE,
  };
  #client: Pkcs11WorkerClient | null = null;
  #ready = false;
  #opening: Promise<void> | null = null;
  #moduleKey: string | null = null;
  #bulk: BulkLanes | null = null;
  /** One worker at a time initialises and logs in (see Pkcs11Connection.connect). */
  #loginTurns: Promise<void> = Promise.resolve();

  constructor(private readonly options: Pkcs11HsmDriverOptions) {}

  get isOpen(): boolean {
    return this.#ready;
  }

  /** Helper processes ready now, and batches they finished or handed back (tests, metrics). */
  /**
   * Starts the bulk helper processes ahead of the first large batch. The console calls it at
   * start-up so the first bulk enrollment runs at full pace; one-shot tools (the CLI) do not.
   */
  prepareBulk(): void {
    this.#bulk?.warmUp();
  }

  get bulkStatus(): { ready: number; calls: number; fallbacks: number } {
    return { ready: this.#bulk?.ready ?? 0, ...(this.#bulk?.stats ?? { calls: 0, fallbacks: 0 }) };
  }

  open(opts?: HsmCallOptions): Promise<void> {
    if (this.#ready) return Promise.resolve();
    this.#opening ??= this.#open(opts).finally(() => (this.#opening = null));
    return this.#opening;
  }

  async #open(opts?: HsmCallOptions): Promise<void> {
    const { modulePath, tokenLabel } = this.options;
    let moduleKey: string;
    try {
      moduleKey = realpathSync(modulePath);
    } catch {
      throw new DriverError('HSM_MODULE_LOAD_FAILED', 'the PKCS#11 module does not exist', {
        detail: { modulePath },
      });
    }
    if (modulesInUse.has(moduleKey))
      throw new DriverError('HSM_MODULE_BUSY', undefined, { detail: { modulePath } });
    modulesInUse.add(moduleKey);
    this.#moduleKey = moduleKey;
    const init: Omit<WorkerInit, 'control'> = {
      modulePath,
      tokenLabel,
      env: this.options.env ?? {},
      reinitializeAfterOps: this.options.reinitializeAfterOps ?? 50_000,
      enableTestHooks: this.options.enableTestHooks ?? false,
    };
    const common: Omit<WorkerClientOptions, 'onDead'> = {
      init,
      getPin: () => this.#pinBytes(),
      loginTurn: () => this.#loginTurn(),
      onEvent: (event) => this.#log(event),
      closeTimeoutMs: this.options.closeTimeoutMs ?? 5_000,
    };
    const client = new Pkcs11WorkerClient({
      ...common,
      onDead: (err) => {
        this.options.logger?.warn({ code: err.code, detail: err.detail }, 'HSM worker stopped');
        void this.#bulk?.close();
        this.#reset();
      },
    });
    this.#client = client;
    this.#bulk = new BulkLanes({
      processes: this.options.bulkProcesses ?? 1,
      minBatch: this.options.bulkMinBatch ?? 256,
      spawn: (onDead) => new Pkcs11WorkerClient({ ...common, kind: 'process', onDead }),
      warn: (obj, msg) => this.options.logger?.warn(obj, msg),
    });
    try {
      await client.call({ op: 'open' }, opts);
      this.#ready = true;
    } catch (err) {
      await Promise.all([client.close(), this.#bulk.close()]);
      this.#reset();
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#ready = false;
    if (!client) return;
    await Promise.all([client.close(), this.#bulk?.close()]);
    await this.#opening?.catch(() => {});
    this.#reset();
  }

  #reset(): void {
    this.#ready = false;
    this.#client = null;
    this.#bulk = null;
    if (this.#moduleKey) modulesInUse.delete(this.#moduleKey);
    this.#moduleKey = null;
  }

  /** Resolves when it is the caller's turn, with the function that ends that turn. */
  #loginTurn(): Promise<() => void> {
    let end!: () => void;
    const turn = new Promise<void>((resolve) => (end = resolve));
    const mine = this.#loginTurns.then(() => end);
    this.#loginTurns = this.#loginTurns.then(() => turn);
    return mine;
  }

  async #pinBytes(): Promise<Uint8Array> {
    const { pin } = this.options;
    if (pin instanceof Secret) return copyOf(pin.expose());
    const secret = await pin();
    try {
      return copyOf(secret.expose());
    } finally {
      secret.dispose();
    }
  }

  #log(event: WorkerEvent): void {
    if (event.kind === 'recovered') this.options.logger?.warn(event, 'HSM connection recovered');
    else this.options.logger?.info(event, 'HSM module re-initialised');
  }

  #call<K extends HsmOp>(
    request: Extract<HsmRequest, { op: K }>,
    opts?: HsmCallOptions,
    transfer?: ArrayBuffer[],
  ): Promise<HsmResults[K]> {
    if (!this.#ready || !this.#client)
      return Promise.reject(new DriverError('HSM_CLOSED', 'the HSM driver is not open'));
    return this.#client.call(request, opts, transfer);
  }

  async getStatus(opts?: HsmCallOptions): Promise<HsmStatus> {
    const t0 = performance.now();
    await this.#call({ op: 'ping' }, opts);
    const latencyMs = performance.now() - t0;
    const status = await this.#call({ op: 'status' }, opts);
    // Recoveries and re-initialisations of the bulk helpers count too.
    const helpers = this.#bulk?.counters;
    const counters = { ...status.counters };
    if (helpers)
      for (const k of ['recoveries', 'reinitializations', 'objectsSinceInitialize'] as const)
        counters[k] += helpers[k];
    return { ...status, counters, latencyMs };
  }

  async createKek(label: string, opts?: HsmCallOptions): Promise<void> {
    v.assertLabel(label);
    await this.#call({ op: 'createKek', label }, opts);
  }

  async hasKey(label: string, opts?: HsmCallOptions): Promise<boolean> {
    v.assertLabel(label);
    return this.#call({ op: 'hasKey', label }, opts);
  }

  async destroyKey(label: string, opts?: HsmCallOptions): Promise<void> {
    v.assertLabel(label);
    await this.#call({ op: 'destroyKey', label }, opts);
  }

  async describeKey(label: string, opts?: HsmCallOptions): Promise<HsmKeyAttributes[]> {
    v.assertLabel(label);
    return this.#call({ op: 'describeKey', label }, opts);
  }

  async generateWrappedSecrets(
    req: GenerateWrappedSecretsRequest,
    opts?: HsmCallOptions,
  ): Promise<WrappedSecret[]> {
    v.assertLabel(req.kekLabel, 'kekLabel');
    v.assertKind(req.kind);
    v.assertBatchSize(req.count, 'count');
    const request = {
      op: 'generateWrapped',
      kekLabel: req.kekLabel,
      kind: req.kind,
      count: req.count,
    } as const;
    const onWorkerThread = (o?: HsmCallOptions) => this.#call(request, o);
    // Helpers only once the worker thread is open: it is the fallback and the authority.
    const bulk = this.#ready ? this.#bulk : null;
    const r = bulk ? await bulk.generate(request, opts, onWorkerThread) : await onWorkerThread(opts);
    const out: WrappedSecret[] = new Array<WrappedSecret>(req.count);
    for (let i = 0; i < req.count; i++)
      out[i] = {
        wrapped: Buffer.from(r.wrapped.subarray(i * v.WRAPPED_LENGTH, (i + 1) * v.WRAPPED_LENGTH)),
        kcv: formatKcv(r.kcv.subarray(i * KCV_BYTES, (i + 1) * KCV_BYTES)),
      };
    return out;
  }

  async unwrapSecret(req: UnwrapSecretRequest, opts?: HsmCallOptions): Promise<Secret> {
    v.assertLabel(req.kekLabel, 'kekLabel');
    v.assertKind(req.kind);
    v.assertWrappedBlob(req.wrapped);
    const wrapped = copyOf(req.wrapped);
    const plain = await this.#call({ op: 'unwrap', kekLabel: req.kekLabel, kind: req.kind, wrapped }, opts, [
      wrapped.buffer as ArrayBuffer,
    ]);
    // A view, not a copy: Secret.dispose() zeroes the only plaintext buffer in this thread.
    return new Secret(view(plain));
  }

  async rewrapSecrets(req: RewrapSecretsRequest, opts?: HsmCallOptions): Promise<Buffer[]> {
    v.assertLabel(req.fromKekLabel, 'fromKekLabel');
    v.assertLabel(req.toKekLabel, 'toKekLabel');
    v.assertKind(req.kind);
    if (!Array.isArray(req.wrapped))
      throw new DriverError('HSM_INVALID_ARGUMENT', 'wrapped must be an array');
    v.assertBatchSize(req.wrapped.length, 'wrapped.length');
    if (req.fromKekLabel === req.toKekLabel)
      throw new DriverError('HSM_INVALID_ARGUMENT', 'fromKekLabel and toKekLabel must differ');
    const packed = new Uint8Array(req.wrapped.length * v.WRAPPED_LENGTH);
    req.wrapped.forEach((blob, i) => {
      v.assertWrappedBlob(blob, i);
      packed.set(blob, i * v.WRAPPED_LENGTH);
    });
    const { fromKekLabel, toKekLabel, kind } = req;
    const r = await this.#call({ op: 'rewrap', fromKekLabel, toKekLabel, kind, packed }, opts, [
      packed.buffer,
    ]);
    return req.wrapped.map((_, i) =>
      Buffer.from(r.subarray(i * v.WRAPPED_LENGTH, (i + 1) * v.WRAPPED_LENGTH)),
    );
  }

  async createHmacKey(label: string, opts?: HsmCallOptions): Promise<void> {
    v.assertLabel(label);
    await this.#call({ op: 'createHmacKey', label }, opts);
  }

  async hmacSha256(label: string, data: Buffer, opts?: HsmCallOptions): Promise<Buffer> {
    const [mac] = await this.hmacSha256Batch(label, [data], opts);
    return mac!;
  }

  async hmacSha256Batch(label: string, data: Buffer[], opts?: HsmCallOptions): Promise<Buffer[]> {
    v.assertLabel(label);
    if (!Array.isArray(data)) throw new DriverError('HSM_INVALID_ARGUMENT', 'data must be an array');
    v.assertBatchSize(data.length, 'data.length');
    // Exact-size copies: posting a pooled Buffer would clone its whole 8 KiB slab.
    const copies = data.map((d, i) => {
      v.assertData(d, `data[${i}]`);
      return copyOf(d);
    });
    const transfer = copies.map((c) => c.buffer as ArrayBuffer);
    const r = await this.#call({ op: 'hmac', label, data: copies }, opts, transfer);
    return data.map((_, i) => Buffer.from(r.subarray(i * 32, (i + 1) * 32)));
  }

  async createSigningKeyPair(label: string, opts?: HsmCallOptions): Promise<void> {
    v.assertLabel(label);
    await this.#call({ op: 'createSigningKeyPair', label }, opts);
  }

  async getPublicKeySpki(label: string, opts?: HsmCallOptions): Promise<Buffer> {
    v.assertLabel(label);
    return view(await this.#call({ op: 'publicKeySpki', label }, opts));
  }

  async signEcdsaSha256(label: string, data: Buffer, opts?: HsmCallOptions): Promise<Buffer> {
    v.assertLabel(label);
    v.assertData(data);
    const digest = copyOf(createHash('sha256').update(data).digest());
    return view(await this.#call({ op: 'signDigest', label, digest }, opts, [digest.buffer as ArrayBuffer]));
  }

  async random(n: number, opts?: HsmCallOptions): Promise<Buffer> {
    v.assertRandomLength(n);
    return view(await this.#call({ op: 'random', n }, opts));
  }

  /** Fault injection and probes for contract tests; rejects unless built with enableTestHooks. */
  async testHook(hook: TestHook, opts?: HsmCallOptions): Promise<unknown> {
    if (!this.options.enableTestHooks)
      throw new DriverError('HSM_INVALID_ARGUMENT', 'test hooks are disabled');
    return this.#call({ op: 'testHook', hook }, opts);
  }
}
