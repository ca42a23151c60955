/**
 * Tape library (SMC media changer) models as data. INQUIRY strings are the ones reference
 * lto-scsi.md §5.1 lists; element addressing for the STK L80 is the reference's sample (§5.3),
 * the IBM TS-series drive range starting at 0x0101 is from the reference, and the remaining
 * addresses, revisions and serial formats are ASSUMED. DVCID form and barcode length are the
 * vendor options of §5.2/§5.4 that hosts must cope with.
 */
export interface LibraryModel {
  vendor: string;
  product: string;
  revision: string;
  serialPattern: string;
  /** First address of each element type. */
  addressing: { transport: number; storage: number; importExport: number; dataTransfer: number };
  /** DVCID identifier: T10 form vendor(8)+product(16)+serial (type 1), or the bare serial (type 0). */
  dvcid: 't10' | 'serial';
  /** Some libraries (HP, Spectra in mhvtl) send the identifier whether DVCID was asked or not. */
  dvcidAlways: boolean;
  /** Volume tags with the media id (`A00001L9`) or the 6-character VOLSER only. */
  barcodeLength: 6 | 8;
  /** MOVE MEDIUM from a drive whose tape is still threaded: unload it (IBM) or refuse 5/53/02. */
  autoUnload: boolean;
}

export const LIBRARY_MODELS = {
  'ibm-ts4300': {
    vendor: 'IBM',
    product: '3573-TL',
    revision: 'F.11',
    serialPattern: '00L4U78######',
    addressing: { transport: 1, storage: 0x0401, importExport: 0x0300, dataTransfer: 0x0101 },
    dvcid: 't10',
    dvcidAlways: false,
    barcodeLength: 8,
    autoUnload: true,
  },
  'stk-l80': {
    vendor: 'STK',
    product: 'L80',
    revision: '0306',
    serialPattern: 'LLC0######',
    addressing: { transport: 1, storage: 1000, importExport: 10, dataTransfer: 500 },
    dvcid: 't10',
    dvcidAlways: false,
    barcodeLength: 8,
    autoUnload: false,
  },
  'hpe-msl': {
    vendor: 'HPE',
    product: 'MSL G3 Series',
    revision: '9.10',
    serialPattern: 'DEC#######',
    addressing: { transport: 1, storage: 1000, importExport: 10, dataTransfer: 500 },
    dvcid: 'serial',
    dvcidAlways: true,
    barcodeLength: 8,
    autoUnload: false,
  },
} satisfies Record<string, LibraryModel>;

export type LibraryModelKey = keyof typeof LIBRARY_MODELS;
