/**
 * Plaintext key material or a password on its way to a device. Wrap it in `Secret` so that it
 * cannot be logged or serialised by accident, and `dispose()` it (zeroes the bytes) as soon as
 * the call that needs it returns.
 */
export class Secret {
  #bytes: Buffer | null;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** The bytes, for the one call that hands them to a device. Throws after dispose(). */
  expose(): Buffer {
    if (this.#bytes === null) throw new Error('secret already disposed');
    return this.#bytes;
  }

  get isDisposed(): boolean {
    return this.#bytes === null;
  }

  dispose(): void {
    this.#bytes?.fill(0);
    this.#bytes = null;
  }

  toJSON(): string {
    return '[secret]';
  }

  toString(): string {
    return '[secret]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[secret]';
  }
}

/** Run `fn` with the secret and zero it afterwards, whatever happens. */
export async function withSecret<T>(secret: Secret, fn: (bytes: Buffer) => Promise<T>): Promise<T> {
  try {
    return await fn(secret.expose());
  } finally {
    secret.dispose();
  }
}
