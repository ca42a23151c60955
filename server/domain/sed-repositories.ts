/** Where a drive is in its management life cycle. */
export type SedDriveState =
  | 'discovered' // seen, Opal-capable, not enrolled
  | 'unsupported' // not an Opal SED (non-SED, Enterprise-only, Opal 1 without locking…)
  | 'enrolling' // enrollment job running or interrupted (see `step`)
  | 'enrolled' // owned, Locking SP active, credentials escrowed and active
  | 'enroll-failed' // enrollment stopped; `step` and `lastError` say where
  | 'rotating' // credential rotation in progress (pending secrets set)
  | 'missing'; // not seen by the last discovery

/** What the last query of the drive showed (never a credential). */
export interface SedStatusSnapshot {
  lockingSupported: boolean;
  lockingEnabled: boolean;
  locked: boolean;
  mbrEnabled: boolean;
  mbrDone: boolean;
  ranges: {
    range: number;
    start: number;
    length: number;
    readLockEnabled: boolean;
    writeLockEnabled: boolean;
    readLocked: boolean;
    writeLocked: boolean;
  }[];
  /**
   * When `ranges` were last listed (Admin1); absent while they never were. `--query` cannot list
   * them, so a re-query keeps the last list, whose lock bits may be older than `locked`.
   */
  rangesReadAt?: string;
  [key: string]: unknown;
}

export interface SedDriveRecord {
  id: string;
  serial: string;
  host: string;
  devicePath: string;
  model: string;
  firmware: string;
  transport: string;
  /** Security subsystem class: 'opal2', 'opal1', 'enterprise', 'pyrite', 'none'. */
  ssc: string;
  status: SedStatusSnapshot;
  state: SedDriveState;
  /** The last completed step of an enrollment or rotation, for resuming after a crash. */
  step: string | null;
  /** How passwords are derived on this drive (`dta-sha1-75k`), recorded at enrollment. */
  passwordScheme: string;
  sidSecretId: string | null;
  admin1SecretId: string | null;
  pendingSidSecretId: string | null;
  pendingAdmin1SecretId: string | null;
  lastError: string | null;
  lastSeenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SedDriveQuery {
  host?: string | undefined;
  state?: SedDriveState | undefined;
  model?: string | undefined;
  enrolled?: boolean | undefined;
  /** Substring of serial, model or device path. */
  search?: string | undefined;
  limit: number;
  offset: number;
}

export interface SedDriveRepository {
  insert(drive: SedDriveRecord): Promise<void>;
  find(id: string): Promise<SedDriveRecord | undefined>;
  findBySerial(serial: string): Promise<SedDriveRecord | undefined>;
  list(q: SedDriveQuery): Promise<{ items: SedDriveRecord[]; total: number }>;
  listAll(opts?: {
    host?: string | undefined;
    states?: SedDriveState[] | undefined;
  }): Promise<SedDriveRecord[]>;
  update(id: string, patch: Partial<Omit<SedDriveRecord, 'id' | 'createdAt'>>): Promise<void>;
}
