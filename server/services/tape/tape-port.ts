import type { TapeLibraryDriver } from '../../drivers/library/tape-library-driver.ts';
import type { TapeDriveDriver } from '../../drivers/tape/tape-drive-driver.ts';

/**
 * The tape devices the services work with, as the registry opened them. `ref` is where the
 * device was found (a /dev path or an emulator socket): useful in logs, never an identity —
 * drives and libraries are known by the serial number they report.
 */
export interface TapeDeviceHandle<D> {
  ref: string;
  driver: D;
}

export interface TapeFleetPort {
  readonly libraries: readonly TapeDeviceHandle<TapeLibraryDriver>[];
  readonly drives: readonly TapeDeviceHandle<TapeDriveDriver>[];
}
