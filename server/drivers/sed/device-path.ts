import { realpath } from 'node:fs/promises';
import { DriverError } from '../core/driver-error.ts';

/** Resolves symlinks the way the host's /dev does; rejects (ENOENT …) when the path is missing. */
export type DevicePathResolver = (path: string) => Promise<string>;

export const resolveWithFilesystem: DevicePathResolver = (path) => realpath(path);

/**
 * The nodes sedutil-cli addresses (reference §1.1 rule 11): SATA/SAS through /dev/sdX, NVMe
 * through the controller /dev/nvmeN or a namespace /dev/nvmeNnM. Partitions, device-mapper and
 * virtio disks are refused here rather than by sedutil.
 */
const CANONICAL = /^\/dev\/(sd[a-z]{1,2}|nvme\d{1,3}(n\d{1,3})?)$/;

export function isCanonicalDevicePath(path: string): boolean {
  return CANONICAL.test(path);
}

/**
 * Canonical path of a device (by-id and other symlinks resolved). `SED_INVALID_ARGUMENT` when it
 * is not a drive sedutil can address, `SED_DEVICE_NOT_FOUND` when nothing exists at the path.
 */
export async function canonicalDevicePath(path: string, resolve: DevicePathResolver): Promise<string> {
  if (typeof path !== 'string' || !path.startsWith('/dev/') || path.includes('\0')) {
    throw new DriverError('SED_INVALID_ARGUMENT', 'device paths start with /dev/', {
      detail: { field: 'device' },
    });
  }
  let real: string;
  try {
    real = await resolve(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DriverError('SED_DEVICE_NOT_FOUND', undefined, { detail: { device: path } });
    }
    throw new DriverError('SED_PERMISSION_DENIED', `cannot resolve ${path}`, {
      detail: { device: path, errno: code },
      cause,
    });
  }
  if (!isCanonicalDevicePath(real)) {
    throw new DriverError('SED_INVALID_ARGUMENT', `${path} is not a drive sedutil-cli can address`, {
      detail: { field: 'device', device: path, resolved: real },
    });
  }
  return real;
}
