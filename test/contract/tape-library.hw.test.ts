import { ScsiTapeLibrary } from '../../server/drivers/library/scsi-tape-library.ts';
import { SgIoTransport } from '../../server/drivers/scsi/sg-io-transport.ts';
import { describeTapeLibraryContract } from './tape-library.contract.ts';

/**
 * The library contract against a real changer: LOCKWARDEN_TEST_SG_CHANGER=/dev/sgM (a medium
 * changer; LOCKWARDEN_TEST_SG_DEVICE names the tape drive for the drive suite), as root or with
 * CAP_SYS_RAWIO. On hardware only moves the library must refuse are tried (full destination,
 * empty source, bad address); nothing is carried anywhere.
 */
const changer = process.env['LOCKWARDEN_TEST_SG_CHANGER'];
const drive = process.env['LOCKWARDEN_TEST_SG_DEVICE'];

describeTapeLibraryContract({
  name: `ScsiTapeLibrary over SG_IO on ${changer ?? 'a real tape library'}`,
  ...(changer
    ? {}
    : {
        skipReason: drive
          ? 'LOCKWARDEN_TEST_SG_DEVICE names the drive; set LOCKWARDEN_TEST_SG_CHANGER=/dev/sgM (the changer) too'
          : 'set LOCKWARDEN_TEST_SG_CHANGER=/dev/sgM (a medium changer) to run',
      }),
  setup: () =>
    Promise.resolve({
      createDriver: () => new ScsiTapeLibrary({ transport: new SgIoTransport({ devicePath: changer! }) }),
      hardware: true,
      hooks: {},
    }),
});
