import { describe, expect, it } from 'vitest';
import { driveModel } from '../../../../hardware-sims/sed/data/drive-models.ts';
import { lockingFeature, powerCycle } from '../../../../hardware-sims/sed/opal-state.ts';
import type { SimDrive } from '../../../../hardware-sims/sed/sim-types.ts';
import { memorySedutil, referenceFleet } from '../../../helpers/sed-sim.ts';

/**
 * The Opal state model (reference §5) through sedutil's commands, in process. sdc: Samsung 860
 * (Opal 2, TryLimit 5), sdd: Crucial MX200 (15 ranges, MBR quirk), sdb: Samsung 850 (SUM).
 */
const PW = 'debug';
const DEV = '/dev/sdc';

async function provisioned(device = DEV) {
  const sim = memorySedutil(referenceFleet());
  expect((await sim.run('--initialSetup', PW, device)).exitCode).toBe(0);
  return sim;
}

const status = (d: SimDrive) => lockingFeature(d, driveModel(d.model));
const cycle = (d: SimDrive) => powerCycle(d, driveModel(d.model));

describe('Opal state model: power cycle', () => {
  it('locks ranges that enforce locking and clears MBRDone; others stay readable', async () => {
    const sim = await provisioned();
    await sim.run('--setupLockingRange', '1', '0', '1000', PW, DEV);
    expect((await sim.run('--enableLockingRange', '0', PW, DEV)).exitCode).toBe(0);
    const d = sim.drive(DEV);
    expect(status(d)).toMatchObject({ locked: false, lockingEnabled: true, mbrDone: true, mbrEnabled: true });
    cycle(d);
    expect(status(d)).toMatchObject({ locked: true, mbrDone: false, mbrEnabled: true });
    const [global, r1] = d.lockingSp!.ranges;
    expect(global).toMatchObject({ readLocked: true, writeLocked: true, readLockEnabled: true });
    // LockOnReset sets the bits on range 1 too, but it does not enforce them.
    expect(r1).toMatchObject({ readLocked: true, readLockEnabled: false });
    expect((await sim.run('--setLockingRange', '0', 'RW', PW, DEV)).exitCode).toBe(0);
    expect(status(d).locked).toBe(false);
  });

  it('read-only on an enforcing range counts as locked; disabling the range unlocks it', async () => {
    const sim = await provisioned();
    await sim.run('--enableLockingRange', '0', PW, DEV);
    await sim.run('--setLockingRange', '0', 'RO', PW, DEV);
    expect(status(sim.drive(DEV)).locked).toBe(true);
    await sim.run('--disableLockingRange', '0', PW, DEV);
    expect(status(sim.drive(DEV)).locked).toBe(false);
  });

  it('clears Block SID, so ownership can be taken after the reset', async () => {
    const sim = memorySedutil(referenceFleet());
    const d = sim.drive(DEV);
    d.sidBlocked = true;
    expect((await sim.run('--takeOwnership', PW, DEV)).exitCode).toBe(1);
    cycle(d);
    expect((await sim.run('--takeOwnership', PW, DEV)).exitCode).toBe(0);
  });

  it('brings a disabled shadow MBR back on the Crucial MX200 (firmware quirk)', async () => {
    const sim = await provisioned('/dev/sdd');
    await sim.run('--setMBREnable', 'off', PW, '/dev/sdd');
    expect(status(sim.drive('/dev/sdd')).mbrEnabled).toBe(false);
    cycle(sim.drive('/dev/sdd'));
    expect(status(sim.drive('/dev/sdd')).mbrEnabled).toBe(true);
    // Other drives keep it off.
    const other = await provisioned();
    await other.run('--setMBREnable', 'off', PW, DEV);
    cycle(other.drive(DEV));
    expect(status(other.drive(DEV)).mbrEnabled).toBe(false);
  });
});

describe('Opal state model: try limit', () => {
  it('locks an authority out after TryLimit failures, even for the right password, until a power cycle', async () => {
    const sim = await provisioned();
    for (let i = 0; i < 5; i++) expect((await sim.run('--listLockingRanges', 'wrong', DEV)).exitCode).toBe(1);
    const locked = await sim.run('--listLockingRanges', PW, DEV);
    expect(locked.exitCode).toBe(18);
    expect(locked.stderr).toContain('AUTHORITY_LOCKED_OUT');
    // Other authorities are counted separately.
    expect((await sim.run('--setSIDPassword', PW, PW, DEV)).exitCode).toBe(0);
    cycle(sim.drive(DEV));
    expect((await sim.run('--listLockingRanges', PW, DEV)).exitCode).toBe(0);
  });

  it('resets the counter on success', async () => {
    const sim = await provisioned();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await sim.run('--listLockingRanges', 'wrong', DEV);
      expect((await sim.run('--listLockingRanges', PW, DEV)).exitCode).toBe(0);
    }
  });

  it('a refused password changes nothing but the counter', async () => {
    const sim = await provisioned();
    const before = structuredClone(sim.drive(DEV));
    expect((await sim.run('--setLockingRange', '0', 'LK', 'wrong', DEV)).exitCode).toBe(1);
    const after = sim.drive(DEV);
    expect(after.lockingSp!.admins[0]!.tries).toBe(1);
    after.lockingSp!.admins[0]!.tries = 0;
    expect(after).toEqual(before);
  });
});

describe('Opal state model: crypto-erase is observable', () => {
  it('GenKey and setupLockingRange change only their range; activation changes nothing', async () => {
    const sim = memorySedutil(referenceFleet());
    await sim.run('--takeOwnership', PW, DEV);
    await sim.run('--activateLockingSP', PW, DEV);
    expect(sim.drive(DEV).keyGenerations.slice(0, 3)).toEqual([0, 0, 0]);
    await sim.run('--rekeyLockingRange', '0', PW, DEV);
    await sim.run('--setupLockingRange', '2', '100', '100', PW, DEV);
    expect(sim.drive(DEV).keyGenerations.slice(0, 3)).toEqual([1, 0, 1]);
  });

  it('revertNoErase keeps the global range; revertLockingSP and revertTPer erase it', async () => {
    const keep = await provisioned();
    await keep.run('--revertNoErase', PW, DEV);
    expect(keep.drive(DEV).keyGenerations.slice(0, 2)).toEqual([0, 1]);
    // "Remove Opal without erasing": revertTPer after revertNoErase keeps the data too.
    await keep.run('--revertTPer', PW, DEV);
    expect(keep.drive(DEV).keyGenerations[0]).toBe(0);
    const erase = await provisioned();
    await erase.run('--revertLockingSP', PW, DEV);
    expect(erase.drive(DEV).keyGenerations[0]).toBe(1);
    const tper = await provisioned();
    await tper.run('--revertTPer', PW, DEV);
    expect(tper.drive(DEV).keyGenerations[0]).toBe(1);
  });

  it('PSID revert returns the drive to factory state, erasing only if locking was active', async () => {
    const sim = await provisioned();
    const psid = sim.drive(DEV).psid;
    expect(
      (await sim.run('--yesIreallywanttoERASEALLmydatausingthePSID', psid.toLowerCase(), DEV)).exitCode,
    ).toBe(1);
    const r = await sim.run('--PSIDrevert', psid, DEV);
    expect(r.stdout).toBe('revertTper completed successfully\n');
    const d = sim.drive(DEV);
    expect(d).toMatchObject({ lifeCycle: 'manufactured-inactive', lockingSp: null });
    expect(d.keyGenerations[0]).toBe(1);
    expect(d.sid.pin).toBe(Buffer.from(d.msid).toString('hex'));
    await sim.run('--PSIDrevertAdminSP', psid, DEV);
    expect(d.keyGenerations[0]).toBe(1);
    expect((await sim.run('--takeOwnership', PW, DEV)).stdout).toBe('takeOwnership complete\n');
  });
});

describe('Opal state model: locking ranges and SUM', () => {
  it('refuses overlapping ranges and ranges beyond the last LBA', async () => {
    const sim = await provisioned();
    expect((await sim.run('--setupLockingRange', '1', '0', '1000', PW, DEV)).exitCode).toBe(0);
    const overlap = await sim.run('--setupLockingRange', '2', '500', '1000', PW, DEV);
    expect(overlap.exitCode).toBe(12);
    expect(overlap.stderr).toBe('method status code INVALID_PARAMETER\nsetupLockingRange Failed \n');
    const beyond = await sim.run('--setupLockingRange', '2', '1000', String(10 ** 12), PW, DEV);
    expect(beyond.exitCode).toBe(12);
  });

  it('addresses only the ranges the drive has', async () => {
    const sim = await provisioned();
    expect((await sim.run('--enableLockingRange', '9', PW, DEV)).exitCode).toBe(12);
    const crucial = await provisioned('/dev/sdd');
    expect((await crucial.run('--enableLockingRange', '15', PW, '/dev/sdd')).exitCode).toBe(0);
    const list = await crucial.run('--listLockingRanges', PW, '/dev/sdd');
    expect(list.stdout).toContain('LR15 Begin 0 for 0');
  });

  it('in Single User Mode, the range belongs to its user', async () => {
    const sim = memorySedutil(referenceFleet());
    await sim.run('--takeOwnership', PW, '/dev/sdb');
    await sim.run('--activateLockingSP_SUM', '1', PW, '/dev/sdb');
    await sim.run('--setPassword_SUM', '', 'User2', 'userpw', '/dev/sdb');
    expect((await sim.run('--setLockingRange_SUM', '1', 'LK', '', '/dev/sdb')).exitCode).toBe(1);
    expect((await sim.run('--setLockingRange_SUM', '1', 'LK', 'userpw', '/dev/sdb')).exitCode).toBe(0);
    // The users of ranges outside the SUM list stay disabled.
    expect((await sim.run('--setLockingRange_SUM', '2', 'LK', '', '/dev/sdb')).exitCode).toBe(1);
  });
});

describe('Opal state model: passwords', () => {
  it('-n stores the raw password (up to 32 bytes), which the hashed form does not match', async () => {
    const sim = memorySedutil(referenceFleet());
    const long = 'x'.repeat(40);
    await sim.run('-n', '--takeOwnership', long, DEV);
    expect(sim.drive(DEV).sid.pin).toBe(Buffer.from('x'.repeat(32)).toString('hex'));
    expect((await sim.run('--activateLockingSP', long, DEV)).exitCode).toBe(1);
    expect((await sim.run('-n', '--activateLockingSP', 'x'.repeat(33), DEV)).exitCode).toBe(0);
  });

  it('hashes with the serial field as salt: PBKDF2-HMAC-SHA1, 75,000 iterations, 32 bytes', async () => {
    const sim = memorySedutil(referenceFleet());
    await sim.run('--takeOwnership', PW, '/dev/nvme0'); // serial S3X4NB0K000000A + 5 spaces
    const { pbkdf2Sync } = await import('node:crypto');
    const expected = pbkdf2Sync(PW, 'S3X4NB0K000000A     ', 75_000, 32, 'sha1').toString('hex');
    expect(sim.drive('/dev/nvme0').sid.pin).toBe(expected);
  });
});
