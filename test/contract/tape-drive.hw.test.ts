import { SgIoTransport } from '../../server/drivers/scsi/sg-io-transport.ts';
import { ScsiTapeDrive } from '../../server/drivers/tape/scsi-tape-drive.ts';
import { describeTapeDriveContract } from './tape-drive.contract.ts';

/**
 * The same contract against a real drive: LOCKWARDEN_TEST_SG_DEVICE=/dev/sgN of a tape drive,
 * run as root or with CAP_SYS_RAWIO (SPIN/SPOUT are not in the kernel's unprivileged SG_IO
 * list). Only the read-only tests run on hardware; the ones that need a scratch cartridge or
 * fault injection skip by name, so no key is ever set on a real drive by this suite.
 */
const device = process.env['LOCKWARDEN_TEST_SG_DEVICE'];

describeTapeDriveContract({
  name: `ScsiTapeDrive over SG_IO on ${device ?? 'a real tape drive'}`,
  ...(device ? {} : { skipReason: 'set LOCKWARDEN_TEST_SG_DEVICE=/dev/sgN (a tape drive) to run' }),
  setup: () =>
    Promise.resolve({
      createDriver: () => new ScsiTapeDrive({ transport: new SgIoTransport({ devicePath: device! }) }),
      hooks: {},
    }),
});
