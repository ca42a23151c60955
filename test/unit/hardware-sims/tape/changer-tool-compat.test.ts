import { describe, expect, it } from 'vitest';
import { EmulatedScsiTransport } from '../../../../hardware-sims/scsi/emulated-transport.ts';
import { TapeFleet } from '../../../../hardware-sims/tape/fleet.ts';
import { readElementStatusCdb } from '../../../../server/drivers/library/changer-cdb.ts';
import { decodeElementStatus } from '../../../../server/drivers/library/element-status.ts';
import { inquiryCdb } from '../../../../server/drivers/scsi/cdb.ts';
import { decodeDeviceIdentificationVpd, designatorText } from '../../../../server/drivers/scsi/inquiry.ts';

/**
 * Changer behaviour that the unmodified Linux tools (test/system/tape-tools.test.ts) found
 * missing: mtx's "altres" walk over all element types, and sg_inq's VPD 0x83 on a changer.
 */
function lab() {
  const fleet = TapeFleet.create('small-lab', { now: () => 0 });
  const lib = fleet.libraries[0]!;
  return { fleet, lib, t: new EmulatedScsiTransport(lib) };
}

describe('READ ELEMENT STATUS, element type 0 (all types)', () => {
  const readAll = async (t: EmulatedScsiTransport, startingAddress: number, numberOfElements: number) => {
    const cdb = readElementStatusCdb({
      ...{ volTag: true, elementType: 0, startingAddress, numberOfElements },
      ...{ curData: false, dvcid: false, allocationLength: 0xffff },
    });
    const r = await t.execute({ cdb, direction: 'in', allocationLength: 0xffff, timeoutMs: 1000 });
    if (r.status !== 0) return undefined;
    return decodeElementStatus(r.dataIn);
  };

  it('reports the lowest addresses first, one page per run of a type (IBM: picker, drives, I/E, slots)', async () => {
    const { t } = lab();
    await readAll(t, 0, 1); // the power-on unit attention
    const report = (await readAll(t, 0, 7))!;
    expect(report.pages.map((p) => p.elementType)).toEqual([1, 4, 3]);
    expect(report.pages.flatMap((p) => p.elements.map((e) => e.address))).toEqual([
      0x0001, 0x0101, 0x0102, 0x0103, 0x0104, 0x0300, 0x0301,
    ]);
  });

  it('lets a host walk the whole library in chunks from the last address + 1, as mtx altres does', async () => {
    const { t, lib } = lab();
    await readAll(t, 0, 1);
    const seen: number[] = [];
    for (let next = 0; ;) {
      const report = await readAll(t, next, 60);
      if (!report) break; // 5/21/01 past the last element ends the walk
      const addresses = report.pages.flatMap((p) => p.elements.map((e) => e.address));
      seen.push(...addresses);
      next = addresses.at(-1)! + 1;
    }
    expect(seen).toEqual(lib.elements.map((e) => e.address).sort((a, b) => a - b));
    expect(seen).toHaveLength(1 + 4 + 5 + 60);
  });
});

describe('changer INQUIRY VPD', () => {
  it('lists and answers page 0x83 with a T10 vendor ID designator (SPC: mandatory)', async () => {
    const { t, lib } = lab();
    const vpd = async (page: number) =>
      t.execute({
        cdb: inquiryCdb({ evpd: true, page, allocationLength: 252 }),
        direction: 'in',
        allocationLength: 252,
        timeoutMs: 1000,
      });
    expect([...(await vpd(0x00)).dataIn.subarray(4)]).toEqual([0x00, 0x80, 0x83]);
    const ids = decodeDeviceIdentificationVpd((await vpd(0x83)).dataIn);
    expect(ids.deviceType).toBe(0x08);
    expect(ids.designators.map(designatorText)).toEqual([`IBM     3573-TL         ${lib.state.serial}`]);
  });
});
