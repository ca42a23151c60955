import { describe, expect, it } from 'vitest';
import { NO_CARTRIDGE_FILTERS } from '../../stores/cartridges.ts';
import { shredFiltered, shredOne } from './shred-subject.ts';

const pools = new Map([['p1', { name: 'LTO-9 data' }]]);
const listed = [{ barcode: 'A00052L9' }, { barcode: 'A00050L9' }, { barcode: 'A00059L9' }];

describe('what a crypto-shred from the Tapes page names', () => {
  it('names one cartridge by barcode', () => {
    expect(shredOne({ barcode: 'A00001L9' })).toEqual({
      media: 'tape',
      label: 'cartridge A00001L9',
      targets: { kind: 'cartridges', barcodes: ['A00001L9'] },
    });
  });

  it('takes the filtered pool, else the listed range, else nothing', () => {
    expect(shredFiltered({ ...NO_CARTRIDGE_FILTERS, pool: 'p1' }, pools, listed)).toMatchObject({
      label: 'every live cartridge of pool LTO-9 data',
      targets: { kind: 'pool', poolId: 'p1' },
    });
    expect(shredFiltered({ ...NO_CARTRIDGE_FILTERS, search: 'A0005' }, pools, listed)?.targets).toEqual({
      kind: 'cartridge-range',
      from: 'A00050L9',
      to: 'A00059L9',
    });
    expect(shredFiltered(NO_CARTRIDGE_FILTERS, pools, [])).toBeNull();
  });
});
