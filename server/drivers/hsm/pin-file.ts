import { readFile, stat } from 'node:fs/promises';
import { DriverError } from '../core/driver-error.ts';
import { Secret } from '../core/secret.ts';

/**
 * Reads a PKCS#11 PIN from a file (never from argv). Refuses a file others can read, strips one
 * trailing newline (editors add it) and never puts the content into an error.
 */
export async function readPinFile(path: string): Promise<Secret> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile())
    throw new DriverError('HSM_NOT_LOGGED_IN', 'the PIN file does not exist', { detail: { path } });
  if ((info.mode & 0o077) !== 0)
    throw new DriverError(
      'HSM_NOT_LOGGED_IN',
      'the PIN file must not be readable by group or others (chmod 600)',
      {
        detail: { path, mode: (info.mode & 0o777).toString(8) },
      },
    );
  const raw = await readFile(path);
  let end = raw.length;
  if (raw[end - 1] === 0x0a) end--;
  if (raw[end - 1] === 0x0d) end--;
  const pin = Buffer.alloc(end);
  raw.copy(pin, 0, 0, end);
  raw.fill(0);
  if (pin.length === 0)
    throw new DriverError('HSM_NOT_LOGGED_IN', 'the PIN file is empty', { detail: { path } });
  return new Secret(pin);
}
