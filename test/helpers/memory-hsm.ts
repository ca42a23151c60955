import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { DriverError } from '../../server/drivers/core/driver-error.ts';
import { Secret } from '../../server/drivers/core/secret.ts';
import type { HsmSecretKind, HsmStatus } from '../../server/drivers/hsm/hsm-driver.ts';
import type { KeyHsm, SealHsm } from '../../server/services/keys/hsm-port.ts';

const IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex'); // RFC 3394 default IV

function wrap(kek: Buffer, key: Buffer): Buffer {
  const c = createCipheriv('id-aes256-wrap', kek, IV);
  return Buffer.concat([c.update(key), c.final()]);
}

function unwrap(kek: Buffer, blob: Buffer): Buffer {
  try {
    const d = createDecipheriv('id-aes256-wrap', kek, IV);
    return Buffer.concat([d.update(blob), d.final()]);
  } catch (cause) {
    throw new DriverError('HSM_OPERATION_FAILED', 'unwrap failed', { cause });
  }
}

function kcv(key: Buffer, kind: HsmSecretKind): string {
  if (kind === 'aes-256-key') {
    const c = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    return c.update(Buffer.alloc(16)).subarray(0, 3).toString('hex').toUpperCase();
  }
  return createHmac('sha256', key).update('KCV').digest().subarray(0, 3).toString('hex').toUpperCase();
}

/**
 * An in-memory stand-in for the HSM port, for service tests that need fault injection at
 * exact points (fail the n-th re-wrap, lose a KEK). It wraps with real RFC 3394 so blobs are
 * realistic. The real driver is tested against SoftHSM2 in test/contract.
 */
export class MemoryHsm implements KeyHsm, SealHsm {
  /** `ec`: a P-256 signing pair, `value` its PKCS#8 DER private key. */
  readonly keys = new Map<string, { type: 'kek' | 'hmac' | 'ec'; value: Buffer }>();
  /** Throws a DriverError from the call named, `after` successful calls of it. */
  faults: { method: string; after: number; code?: DriverError['code'] }[] = [];
  readonly calls = new Map<string, number>();
  /** Awaited before each batch of generated secrets (tests hold a batch to cancel a job mid-way). */
  beforeGenerate: ((call: number) => Promise<void>) | undefined;

  private hit(method: string): void {
    const n = (this.calls.get(method) ?? 0) + 1;
    this.calls.set(method, n);
    const fault = this.faults.find((f) => f.method === method && n > f.after);
    if (fault) {
      this.faults = this.faults.filter((f) => f !== fault);
      throw new DriverError(fault.code ?? 'HSM_DEVICE_REMOVED', `injected fault in ${method}`, {
        retryable: true,
      });
    }
  }

  private key(label: string, type: 'kek' | 'hmac' | 'ec'): Buffer {
    const k = this.keys.get(label);
    if (!k || k.type !== type) throw new DriverError('HSM_KEY_NOT_FOUND', `no ${type} ${label}`);
    return k.value;
  }

  createKek(label: string): Promise<void> {
    this.hit('createKek');
    if (this.keys.has(label)) throw new DriverError('HSM_OPERATION_FAILED', 'label exists');
    this.keys.set(label, { type: 'kek', value: randomBytes(32) });
    return Promise.resolve();
  }

  createHmacKey(label: string): Promise<void> {
    this.hit('createHmacKey');
    this.keys.set(label, { type: 'hmac', value: randomBytes(32) });
    return Promise.resolve();
  }

  hasKey(label: string): Promise<boolean> {
    return Promise.resolve(this.keys.has(label));
  }

  destroyKey(label: string): Promise<void> {
    this.hit('destroyKey');
    if (!this.keys.delete(label)) throw new DriverError('HSM_KEY_NOT_FOUND', label);
    return Promise.resolve();
  }

  async generateWrappedSecrets(req: { kekLabel: string; kind: HsmSecretKind; count: number }) {
    this.hit('generateWrappedSecrets');
    await this.beforeGenerate?.(this.calls.get('generateWrappedSecrets') ?? 0);
    const kek = this.key(req.kekLabel, 'kek');
    return Promise.resolve(
      Array.from({ length: req.count }, () => {
        const key = randomBytes(32);
        return { wrapped: wrap(kek, key), kcv: kcv(key, req.kind) };
      }),
    );
  }

  unwrapSecret(req: { kekLabel: string; wrapped: Buffer; kind: HsmSecretKind }): Promise<Secret> {
    this.hit('unwrapSecret');
    return Promise.resolve(new Secret(unwrap(this.key(req.kekLabel, 'kek'), req.wrapped)));
  }

  rewrapSecrets(req: { fromKekLabel: string; toKekLabel: string; wrapped: Buffer[]; kind: HsmSecretKind }) {
    this.hit('rewrapSecrets');
    const from = this.key(req.fromKekLabel, 'kek');
    const to = this.key(req.toKekLabel, 'kek');
    return Promise.resolve(req.wrapped.map((b) => wrap(to, unwrap(from, b))));
  }

  hmacSha256(label: string, data: Buffer): Promise<Buffer> {
    return Promise.resolve(createHmac('sha256', this.key(label, 'hmac')).update(data).digest());
  }

  getStatus(): Promise<HsmStatus> {
    return Promise.resolve({
      module: {
        description: 'MemoryHsm (tests)',
        manufacturer: 'Lockwarden',
        libraryVersion: '0.0',
        cryptokiVersion: '2.40',
      },
      token: {
        label: 'memory',
        serialNumber: '0',
        model: 'memory',
        manufacturer: 'Lockwarden',
        hardwareVersion: '0.0',
        firmwareVersion: '0.0',
      },
      isLoggedIn: true,
      memory: { publicFree: null, publicTotal: null, privateFree: null, privateTotal: null },
      mechanisms: {
        AES_KEY_GEN: true,
        AES_KEY_WRAP: true,
        AES_KEY_WRAP_PAD: true,
        AES_ECB: true,
        SHA256_HMAC: true,
        ECDSA: false,
        EC_KEY_PAIR_GEN: false,
        GENERIC_SECRET_KEY_GEN: true,
      },
      latencyMs: 0,
      counters: { recoveries: 0, reinitializations: 0, objectsSinceInitialize: 0 },
    });
  }

  /** Test helper: the plaintext behind a blob, to prove a secret is still recoverable. */
  reveal(kekLabel: string, wrapped: Buffer): Buffer {
    return unwrap(this.key(kekLabel, 'kek'), wrapped);
  }

  static kcvOf = kcv;

  createSigningKeyPair(label: string): Promise<void> {
    this.hit('createSigningKeyPair');
    if (this.keys.has(label)) throw new DriverError('HSM_KEY_EXISTS', 'label exists');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.keys.set(label, { type: 'ec', value: privateKey.export({ format: 'der', type: 'pkcs8' }) });
    return Promise.resolve();
  }

  getPublicKeySpki(label: string): Promise<Buffer> {
    this.hit('getPublicKeySpki');
    const key = createPrivateKey({ key: this.key(label, 'ec'), format: 'der', type: 'pkcs8' });
    return Promise.resolve(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  }

  /** ECDSA P-256 over SHA-256(data), raw r‖s (IEEE P1363), as the PKCS#11 driver returns it. */
  signEcdsaSha256(label: string, data: Buffer): Promise<Buffer> {
    this.hit('signEcdsaSha256');
    const key = createPrivateKey({ key: this.key(label, 'ec'), format: 'der', type: 'pkcs8' });
    return Promise.resolve(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
  }
}
