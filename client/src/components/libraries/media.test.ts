import { describe, expect, it } from 'vitest';
import { cartridgeIn, libraryElement, tapeDrive } from '../../testing/fixtures.ts';
import {
  canMountInto,
  cartridgeOfBarcode,
  driveGeneration,
  mediaAccess,
  mediaClass,
  mediaText,
  mountCandidates,
} from './media.ts';
import { matchingAddresses, slotCells } from './slot-cells.ts';

describe('LTO media', () => {
  it.each([
    ['ULT3580-HH9', 9],
    ['ULT3580-TD8', 8],
    ['ULT3580-TDA', 10],
    ['Ultrium 8-SCSI', 8],
    ['ULTRIUM-HH9', 9],
    ['3573-TL', null],
  ])('reads the generation of %s', (product, generation) => {
    expect(driveGeneration({ product })).toBe(generation);
  });

  it('reads kind and generation from a label as the server does', () => {
    expect(cartridgeOfBarcode('A00001L9')).toMatchObject({
      cartridgeKind: 'data',
      generation: 9,
      mediaId: 'L9',
    });
    expect(cartridgeOfBarcode('W00001LZ')).toMatchObject({ cartridgeKind: 'worm', generation: 9 });
    expect(cartridgeOfBarcode('CLN001L1')).toMatchObject({ cartridgeKind: 'cleaning', generation: null });
    expect(cartridgeOfBarcode('M00001M8')).toMatchObject({ cartridgeKind: 'data', generation: 7 });
  });

  it('colours data by generation, WORM and cleaning apart', () => {
    const classes = ['A00001L9', 'B00001L8', 'C00001L7', 'W00001LZ', 'CLN001L1'].map((b) =>
      mediaClass(cartridgeOfBarcode(b)),
    );
    expect(classes).toEqual(['l9', 'l8', 'older', 'worm', 'cleaning']);
    expect(mediaText(cartridgeOfBarcode('W00001LZ'))).toBe('LTO-9 WORM');
  });

  it('knows which drive generation takes which cartridge', () => {
    const c = (b: string) => cartridgeOfBarcode(b);
    expect(mediaAccess(9, c('A00001L9'))).toBe('read-write');
    expect(mediaAccess(9, c('B00001L8'))).toBe('read-write');
    expect(mediaAccess(9, c('C00001L7'))).toBe('none');
    expect(mediaAccess(8, c('A00001L9'))).toBe('none');
    expect(mediaAccess(8, c('C00001L7'))).toBe('read-write');
    expect(mediaAccess(8, c('M00001M8'))).toBe('read-write');
    expect(mediaAccess(9, c('M00001M8'))).toBe('none');
    expect(mediaAccess(7, c('L00001L5'))).toBe('read-only');
    expect(mediaAccess(8, c('CLN001L1'))).toBe('cleaning');
    expect(mediaAccess(null, c('A00001L9'))).toBe('unknown');
  });

  it('lists the drives, the empty ones that can take the cartridge first', () => {
    const elements = [
      libraryElement('drive', 257, { driveSerial: 'HPE8' }),
      cartridgeIn('drive', 258, 'A00002L9', { driveSerial: 'IBM9-FULL' }),
      libraryElement('drive', 259, { driveSerial: 'IBM9' }),
      libraryElement('drive', 260, { driveSerial: 'IBM9-DOWN' }),
    ];
    const drives = new Map([
      ['HPE8', tapeDrive('HPE8', { vendor: 'HPE', product: 'Ultrium 8-SCSI' })],
      ['IBM9', tapeDrive('IBM9')],
      ['IBM9-FULL', tapeDrive('IBM9-FULL')],
      ['IBM9-DOWN', tapeDrive('IBM9-DOWN', { reachable: false })],
    ]);
    const offered = mountCandidates(cartridgeOfBarcode('A00001L9'), elements, drives);
    expect(offered.map((c) => [c.element.driveSerial, c.access, canMountInto(c)])).toEqual([
      ['IBM9', 'read-write', true],
      ['IBM9-FULL', 'read-write', false],
      ['IBM9-DOWN', 'read-write', false],
      ['HPE8', 'none', false],
    ]);
  });
});

describe('slot map cells', () => {
  const elements = [
    libraryElement('storage', 1026),
    cartridgeIn('storage', 1027, 'CLN001L1', { accessible: false }),
    libraryElement('storage', 1025),
    cartridgeIn('drive', 257, 'A00001L9', { sourceAddress: 1025, driveSerial: 'D9' }),
    cartridgeIn('import-export', 768, 'W00001LZ', { exception: 'ASC/ASCQ 30/00' }),
  ];

  it('numbers slots in address order and marks the home of a cartridge that is in a drive', () => {
    const cells = slotCells(elements, 'storage');
    expect(cells.map((c) => [c.number, c.address, c.state, c.barcode])).toEqual([
      [1, 1025, 'away', 'A00001L9'],
      [2, 1026, 'empty', null],
      [3, 1027, 'full', 'CLN001L1'],
    ]);
    expect(cells[2]?.cls).toBe('cell is-full media-cleaning is-inaccessible');
    expect(cells[2]?.title).toBe('Slot 3 (element 1027): CLN001L1, cleaning; not accessible');
    expect(cells[0]?.title).toBe('Slot 1 (element 1025): empty, A00001L9 is in a drive');
  });

  it('flags exceptions and finds barcodes', () => {
    const ports = slotCells(elements, 'import-export');
    expect(ports[0]?.title).toBe('I/E port 1 (element 768): W00001LZ, LTO-9 WORM; exception ASC/ASCQ 30/00');
    expect([...matchingAddresses([...ports, ...slotCells(elements, 'storage')], ' a0000 ')]).toEqual([1025]);
    expect(matchingAddresses(ports, '').size).toBe(0);
  });
});
