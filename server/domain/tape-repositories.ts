/**
 * Tape cartridges under management: libraries with their key domain, pools (barcode ranges
 * with a key policy), the data keys handed to drives (known by a key reference that travels in
 * the U-KAD; the key itself is a managed secret), and cartridges.
 */
export interface TapeLibraryRecord {
  serial: string;
  name: string;
  keyDomainId: string;
  vendor: string;
  product: string;
  autoEnrollImports: boolean;
  createdAt: string;
  updatedAt: string;
}

export type KeyPolicy = 'per-cartridge' | 'per-pool';

export interface TapePoolRecord {
  id: string;
  librarySerial: string;
  name: string;
  /** Inclusive VOLSER bounds (6 characters), compared as strings. */
  volserFrom: string;
  volserTo: string;
  /** Only cartridges with this media id (L9, LZ…), or any. */
  mediaId: string | null;
  keyPolicy: KeyPolicy;
  /** per-pool: a new pool key after this many days. */
  keyPeriodDays: number | null;
  currentKeyRef: string | null;
  currentKeyUntil: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface TapeKeyRecord {
  /** What the drive gets in the U-KAD and writes beside every block: never key material. */
  keyRef: string;
  secretId: string;
  librarySerial: string;
  poolId: string | null;
  /** per-cartridge keys: the cartridge it was made for. */
  barcode: string | null;
  createdAt: string;
}

export type CartridgeState = 'enrolled' | 'in-use' | 'scratched' | 'retired';

export interface TapeCartridgeRecord {
  barcode: string;
  librarySerial: string;
  poolId: string;
  state: CartridgeState;
  keyRef: string;
  enrolledAt: string;
  lastMountedAt: string | null;
  lastVerifiedAt: string | null;
  verifyResult: string | null;
  updatedAt: string;
}

export interface CartridgeQuery {
  librarySerial?: string | undefined;
  poolId?: string | undefined;
  state?: CartridgeState | undefined;
  /** Barcode prefix. */
  search?: string | undefined;
  /** Keys created before this instant (key age filter). */
  keyCreatedBefore?: string | undefined;
  limit: number;
  offset: number;
}

export interface TapeRepository {
  insertLibrary(l: TapeLibraryRecord): Promise<void>;
  findLibrary(serial: string): Promise<TapeLibraryRecord | undefined>;
  listLibraries(): Promise<TapeLibraryRecord[]>;
  updateLibrary(serial: string, patch: Partial<Omit<TapeLibraryRecord, 'serial'>>): Promise<void>;

  insertPool(p: TapePoolRecord): Promise<void>;
  findPool(id: string): Promise<TapePoolRecord | undefined>;
  listPools(librarySerial?: string): Promise<TapePoolRecord[]>;
  updatePool(id: string, patch: Partial<Omit<TapePoolRecord, 'id'>>): Promise<void>;
  deletePool(id: string): Promise<void>;

  insertKeys(keys: TapeKeyRecord[]): Promise<void>;
  findKey(keyRef: string): Promise<TapeKeyRecord | undefined>;

  insertCartridges(c: TapeCartridgeRecord[]): Promise<void>;
  findCartridge(barcode: string): Promise<TapeCartridgeRecord | undefined>;
  /** The barcodes of `barcodes` that are already enrolled (any state). */
  existingBarcodes(barcodes: string[]): Promise<Set<string>>;
  updateCartridge(barcode: string, patch: Partial<Omit<TapeCartridgeRecord, 'barcode'>>): Promise<void>;
  listCartridges(q: CartridgeQuery): Promise<{
    items: (TapeCartridgeRecord & { keyCreatedAt: string; keyState: string })[];
    total: number;
  }>;
  countCartridgesByPool(poolId: string): Promise<number>;
}
