import { Secret } from '../../server/drivers/core/secret.ts';
import { ExecFileRunner } from '../../server/drivers/sed/command-runner.ts';
import { SedutilSedDriver } from '../../server/drivers/sed/sedutil-sed-driver.ts';
import { describeSedContract } from './sed.contract.ts';

/**
 * The same contract against a real drive. IT ERASES THE DRIVE: every test starts with a PSID
 * revert. Needs root, sedutil-cli, and on SATA `libata.allow_tpm=1`:
 *   LOCKWARDEN_TEST_SED_DEVICE=/dev/sdX       an Opal 2 drive whose data may be destroyed
 *   LOCKWARDEN_TEST_SED_PSID=<32 chars>       the PSID from its label
 *   LOCKWARDEN_TEST_SEDUTIL=/usr/sbin/sedutil-cli   (default)
 * Power cycles, fault injection, swaps and lockout cannot be scripted on hardware: those tests skip.
 */
const env = process.env;
const device = env['LOCKWARDEN_TEST_SED_DEVICE'];
const psid = env['LOCKWARDEN_TEST_SED_PSID'];
const missing = !device
  ? 'set LOCKWARDEN_TEST_SED_DEVICE (and LOCKWARDEN_TEST_SED_PSID) to an Opal drive whose data may be erased'
  : !psid
    ? 'set LOCKWARDEN_TEST_SED_PSID: the suite returns the drive to factory state with it before every test'
    : undefined;

describeSedContract({
  name: `SedutilSedDriver on ${device ?? 'a real Opal drive'}`,
  ...(missing ? { skipReason: missing } : {}),
  features: new Set(['psid']),
  async setup() {
    const sedutilPath = env['LOCKWARDEN_TEST_SEDUTIL'] ?? '/usr/sbin/sedutil-cli';
    const plain = new SedutilSedDriver({ runner: new ExecFileRunner(), sedutilPath });
    const id = await plain.identify(device!);
    const primary = { device: id.device, serial: id.serial };
    const reset = () =>
      plain.psidRevert({
        device: primary.device,
        expectedSerial: primary.serial,
        psid: new Secret(Buffer.from(psid!)),
      });
    return {
      createDriver: (wrap) => new SedutilSedDriver({ runner: wrap(new ExecFileRunner()), sedutilPath }),
      primary,
      hooks: { reset, psid: () => Promise.resolve(psid!) },
    };
  },
});
