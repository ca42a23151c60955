import { describe, expect, it } from 'vitest';
import { driveModel } from '../../../../hardware-sims/sed/data/drive-models.ts';
import { fleetHosts } from '../../../../hardware-sims/sed/fleet-store.ts';
import { saltOf, sedutilPinSync } from '../../../../hardware-sims/sed/opal-pin.ts';
import { buildScenario } from '../../../../hardware-sims/sed/scenarios.ts';
import type { FleetState } from '../../../../hardware-sims/sed/sim-types.ts';

const sscOf = (model: string) => {
  const s = driveModel(model).ssc;
  return s.opal2 ? (s.opal1 ? 'opal1+2' : 'opal2') : s.opal1 ? 'opal1' : s.enterprise ? 'enterprise' : 'none';
};

function expectUniqueSerials(fleet: FleetState) {
  const serials = fleet.drives
    .filter((d) => d.identity.transport !== 'sas')
    .map((d) => d.identity.serial.trim());
  expect(new Set(serials).size).toBe(serials.length);
}

describe('scenarios', () => {
  it('small-lab: SATA and NVMe Opal 2, one Opal 1 (850 EVO), one Enterprise, one non-SED, on one host', () => {
    const lab = buildScenario('small-lab');
    expect(lab.drives).toHaveLength(12);
    expect(fleetHosts(lab)).toEqual(['lab-01']);
    const counts = lab.drives.reduce<Record<string, number>>((acc, d) => {
      acc[sscOf(d.model)] = (acc[sscOf(d.model)] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({ opal2: 9, 'opal1+2': 1, enterprise: 1, none: 1 });
    expect(new Set(lab.drives.map((d) => d.identity.transport))).toEqual(new Set(['ata', 'nvme', 'sas']));
    expectUniqueSerials(lab);
    for (const d of lab.drives) {
      expect(d.identity.model).toHaveLength(d.identity.transport === 'sas' ? 16 : 40);
      expect(d.identity.firmware).toHaveLength(d.identity.transport === 'sas' ? 4 : 8);
      expect(d.psid).toMatch(/^[0-9A-Z]{32}$/);
    }
    // The traps: an OEM-owned drive and one whose BIOS blocked SID.
    expect(lab.drives.find((d) => d.device === '/dev/nvme2')).toMatchObject({ lifeCycle: 'manufactured' });
    expect(lab.drives.find((d) => d.device === '/dev/nvme3')).toMatchObject({ sidBlocked: true });
  });

  it('is the same fleet every time it is built (sedsim reset is repeatable)', () => {
    expect(buildScenario('small-lab')).toEqual(buildScenario('small-lab'));
  });

  it('datacenter: hundreds of drives on several hosts, paths sedutil scans, a host field on each', () => {
    const dc = buildScenario('datacenter');
    expect(dc.drives.length).toBeGreaterThanOrEqual(200);
    const hosts = fleetHosts(dc);
    expect(hosts.length).toBeGreaterThan(4);
    for (const host of hosts) {
      const here = dc.drives.filter((d) => d.host === host);
      const paths = here.map((d) => d.device);
      expect(new Set(paths).size).toBe(paths.length);
      for (const p of paths) expect(p).toMatch(/^\/dev\/(sd[a-z]|nvme\d{1,2})$/);
    }
    expectUniqueSerials(dc);
  });

  it('rejects an unknown scenario by name', () => {
    expect(() => buildScenario('nope')).toThrow(/unknown scenario "nope".*small-lab/);
    expect(buildScenario('none').drives).toEqual([]);
  });

  it('salts with the serial field; SAS drives with the vendor id and 12 NULs (reference §4.1 vectors)', () => {
    const salt = Buffer.from('S3Z9NB0K123456A     ');
    expect(sedutilPinSync('debug', salt, false).toString('hex')).toBe(
      '7b2dfaf04ffd260a76bd84fd81c854fa09b130fb9d1aadb5390a528c394dc724',
    );
    expect(sedutilPinSync('passw0rd', salt, false).toString('hex')).toBe(
      '32270dfa837242602f0aab4f236ae09542f57d449da34d7d45f4581a7326fc6b',
    );
    expect(sedutilPinSync('debug', Buffer.from('1234567890ABCDEF1234'), false).toString('hex')).toBe(
      '8f0d4ace1ab9c4affc6d0f98db22429f7c0d9f1a93175873d910b833fb6f66b1',
    );
    expect(sedutilPinSync('', salt, false)).toHaveLength(0);
    expect(saltOf({ transport: 'sas', model: '', firmware: '', serial: 'HGST    ' })).toEqual(
      Buffer.concat([Buffer.from('HGST    '), Buffer.alloc(12)]),
    );
  });
});
