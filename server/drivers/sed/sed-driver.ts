import type { Secret } from '../core/secret.ts';

/**
 * The self-encrypting-drive contract (ARCHITECTURE.md §3, §6.2): the drives one host's
 * `sedutil-cli` sees. One driver per host; device paths are only meaningful on their host.
 *
 * Rules that hold for every method:
 * - It rejects only with `DriverError`. Messages and `detail` never contain a password, PSID or
 *   argv; failures reported by sedutil carry `detail.exitCode`, `detail.tcgStatus` (name) when the
 *   drive refused a method, and `detail.stderrTail` with any credential scrubbed out.
 * - Device paths are canonicalised first (symlinks such as /dev/disk/by-id/… resolved); anything
 *   that is not /dev/sdX, /dev/nvmeN or /dev/nvmeNnM afterwards rejects with
 *   `SED_INVALID_ARGUMENT`, a path that does not exist with `SED_DEVICE_NOT_FOUND`.
 * - Identity before action (invariant 2): every method taking a `SedTarget` first re-reads the
 *   drive's serial number (`--query`) and rejects with `SED_IDENTITY_MISMATCH` (detail
 *   `expectedSerial`, `actualSerial`) before any keyed command is sent.
 * - Opal allows one session at a time: calls on the same drive run one after the other in FIFO
 *   order (the identity check and the command together); calls on different drives run in
 *   parallel, up to the driver's concurrency limit.
 * - Passwords are `Secret`s holding the password text sedutil takes (ASCII 0x20–0x7E, 1–256
 *   bytes; for console-managed drives always `sedPasswordFromSecret(hsmSecret)`), checked before
 *   anything is run (`SED_INVALID_ARGUMENT`). The driver never disposes them; the caller does.
 *   They go to sedutil as argv (visible in /proc while it runs: see SedutilSedDriver on host hardening).
 * - Retryable (`retryable: true`; the same call may succeed later, unchanged): `SED_SP_BUSY`,
 *   `SED_TRANSPORT_FAILED`. Everything else is final; in particular `SED_AUTH_FAILED` must not be
 *   retried blindly: each failure spends one of the authority's tries (TryLimit, often 5) and the
 *   next step is `SED_LOCKED_OUT`, which only a power cycle clears.
 * - Common rejections: `SED_AUTH_FAILED` (wrong credential, or the SID is blocked by the BIOS),
 *   `SED_LOCKED_OUT`, `SED_SP_BUSY` (another session is open on the drive), `SED_INVALID_STATE`
 *   (e.g. a Locking SP command while the Locking SP is not activated), `SED_NOT_SUPPORTED` (not an
 *   Opal drive, or a feature the drive lacks), `SED_DEVICE_NOT_FOUND` (the drive vanished),
 *   `SED_PERMISSION_DENIED`, `SED_TIMEOUT` (outcome unknown: query before repeating a keyed call),
 *   `SED_ABORTED` (`opts.signal`; a running sedutil is killed, which can leave a session open on
 *   the drive until it times out), `SED_TOOL_UNAVAILABLE`, `SED_TOOL_UNSUPPORTED`,
 *   `SED_COMMAND_FAILED` (any other refusal; `detail` says which).
 * - `close()` rejects queued calls with `SED_CLOSED` and waits for running ones: a sedutil
 *   process is never killed by close (an interrupted command can leave a session open).
 */
export interface SedDriver {
  /** The host whose drives this driver reaches (a label; 'localhost' unless configured). */
  readonly host: string;

  /**
   * Which sedutil-cli is installed (from its usage text; detected once). The password scheme
   * must be recorded per drive at enrollment: ChubbyAnt hashes differently from DTA.
   */
  getToolInfo(opts?: SedCallOptions): Promise<SedToolInfo>;

  /** Every drive sedutil's scan lists (including non-SEDs, marked so). Always succeeds on a host with no drives. */
  scan(opts?: SedCallOptions): Promise<SedScanEntry[]>;

  /**
   * Identity, Level-0 discovery and TPer properties of one drive; no credential, no session.
   * Rejects with `SED_NOT_SUPPORTED` (not a SED sedutil recognises), `SED_DEVICE_NOT_FOUND`.
   */
  query(device: string, opts?: SedCallOptions): Promise<SedQueryResult>;

  /** `query` reduced to who the drive is. */
  identify(device: string, opts?: SedCallOptions): Promise<SedIdentity>;

  /**
   * Locking ranges 0..MaxRanges (Admin1). Changes nothing, so it also proves an Admin1
   * password (a wrong one still spends a try). `SED_INVALID_STATE` while the Locking SP is inactive.
   */
  listRanges(req: SedAdmin1Request, opts?: SedCallOptions): Promise<SedLockingRange[]>;

  /**
   * Proves a credential without changing anything: Admin1 by listing the ranges, SID by setting
   * the SID password to itself. A wrong one spends a try. Resolves when accepted.
   */
  checkCredential(req: SedCheckCredentialRequest, opts?: SedCallOptions): Promise<void>;

  /**
   * Takes ownership: authenticates as SID with the drive's MSID and sets the SID password.
   * `SED_AUTH_FAILED` when the SID is no longer the MSID (someone owns the drive: PSID revert
   * first) or Block SID is active.
   */
  takeOwnership(req: SedTakeOwnershipRequest, opts?: SedCallOptions): Promise<void>;

  /**
   * Activates the Locking SP; Admin1 then has the SID password. Erases nothing. Ranges and the
   * shadow MBR start disabled (so data drives never need an MBR step, unlike `--initialSetup`).
   * `SED_INVALID_STATE` when it is already active.
   */
  activateLockingSp(req: SedSidRequest, opts?: SedCallOptions): Promise<void>;

  /** Changes the SID password (rotation). sedutil 1.20 prints nothing on success; exit 0 is the proof. */
  setSidPassword(req: SedChangePasswordRequest, opts?: SedCallOptions): Promise<void>;

  /** Changes the Admin1 password (rotation). */
  setAdmin1Password(req: SedChangePasswordRequest, opts?: SedCallOptions): Promise<void>;

  /**
   * Which locks a range enforces: 'read-write' sets ReadLockEnabled and WriteLockEnabled (the
   * range then locks at every power cycle), 'write-only' only WriteLockEnabled, 'off' neither.
   * Changes no data and no lock bits.
   */
  setRangeLocking(req: SedRangeLockingRequest, opts?: SedCallOptions): Promise<void>;

  /**
   * Locks, unlocks or makes read-only one range (ReadLocked/WriteLocked). Only has an effect
   * where the range enforces the lock (`setRangeLocking`). Idempotent.
   */
  setLockState(req: SedLockStateRequest, opts?: SedCallOptions): Promise<void>;

  /**
   * DESTRUCTIVE. Sets a range's start and length (range 1..15), unlocked and not enforcing, and
   * gives it a new key: whatever was stored in those blocks is gone. `SED_COMMAND_FAILED` when
   * the drive refuses the geometry (overlap, beyond the end).
   */
  setupRange(req: SedSetupRangeRequest, opts?: SedCallOptions): Promise<void>;

  /** DESTRUCTIVE. A new media key for one range (0 = everything outside other ranges): crypto-erase. */
  rekeyRange(req: SedRangeRequest, opts?: SedCallOptions): Promise<void>;

  /** Shadow MBR on or off; sedutil sets MBRDone first. `SED_NOT_SUPPORTED` on drives without MBR shadowing. */
  setMbrEnabled(req: SedAdmin1Request & { enabled: boolean }, opts?: SedCallOptions): Promise<void>;

  /** MBRDone: true shows the real LBA 0.. instead of the shadow (reset to false at every power cycle). */
  setMbrDone(req: SedAdmin1Request & { done: boolean }, opts?: SedCallOptions): Promise<void>;

  /**
   * RevertSP on the Locking SP (Admin1): Locking SP back to inactive. With
   * `keepGlobalRangeData` the global range keeps its key (ranges 1..n are erased anyway); the
   * drive refuses that while the global range is locked. Without it, DESTRUCTIVE: all data.
   */
  revertLockingSp(
    req: SedAdmin1Request & { keepGlobalRangeData: boolean },
    opts?: SedCallOptions,
  ): Promise<void>;

  /** DESTRUCTIVE when the Locking SP is active. Factory state with the SID (SID back to MSID). */
  revertTper(req: SedSidRequest, opts?: SedCallOptions): Promise<void>;

  /**
   * Whether the drive is in factory state: reads the MSID (`--printDefaultPassword`, anybody may)
   * and authenticates as SID with it, setting the same value back (`-n`, raw). Resolves false on
   * an authentication failure, which spends one SID try: call it only to verify a revert.
   */
  sidIsFactoryMsid(req: SedTarget, opts?: SedCallOptions): Promise<boolean>;

  /**
   * DESTRUCTIVE when the Locking SP is active. Factory state with the PSID from the label (dashes
   * and spaces are removed and letters upper-cased before use; it must then be 32 of [0-9A-Z]).
   */
  psidRevert(req: SedTarget & { psid: Secret }, opts?: SedCallOptions): Promise<void>;

  /** Stops accepting calls; see the class rules above. Never rejects; idempotent. */
  close(): Promise<void>;
}

export interface SedCallOptions {
  signal?: AbortSignal;
  /** For the sedutil process (each of them); default the driver's (90 s, reference §9). */
  timeoutMs?: number;
}

export type SedToolVariant = 'dta-1.20' | 'dta-1.49' | 'chubbyant';

export interface SedToolInfo {
  variant: SedToolVariant;
  /** As the tool prints it, e.g. `1.20.0`, `linux.1.49.13`. */
  version: string;
  /** The derivation the tool applies to passwords: `dta-sha1-75k` or `chubbyant-sha512-500k`. */
  passwordScheme: 'dta-sha1-75k' | 'chubbyant-sha512-500k';
}

/** Security subsystem classes a scan or query reports. */
export interface SedSscFlags {
  opal1: boolean;
  opal2: boolean;
  enterprise: boolean;
  /** Only tools that recognise them report these (ChubbyAnt, 1.49); DTA 1.20 shows "No". */
  pyrite: boolean;
  opalite: boolean;
  ruby: boolean;
}

/** The class the console acts on: Opal 2 first, as sedutil does. */
export type SedSsc = 'opal2' | 'opal1' | 'enterprise' | 'pyrite' | 'none';

export interface SedScanEntry {
  device: string;
  ssc: SedSsc;
  flags: SedSscFlags;
  model: string;
  firmware: string;
}

export type SedTransport = 'ata' | 'sas' | 'usb' | 'nvme' | 'other';

export interface SedIdentity {
  /** Canonical path. */
  device: string;
  transport: SedTransport;
  model: string;
  firmware: string;
  /**
   * Trimmed serial number. On the SAS/USB path sedutil shows (and hashes with) the T10 vendor id
   * instead, so it does not tell two such drives apart: the console should not manage them.
   */
  serial: string;
  /** The serial field exactly as printed (padding kept): PBKDF2's salt on ATA/NVMe. */
  serialField: string;
  ssc: SedSsc;
}

export interface SedLockingStatus {
  locked: boolean;
  lockingEnabled: boolean;
  lockingSupported: boolean;
  mbrDone: boolean;
  mbrEnabled: boolean;
  mediaEncrypt: boolean;
}

export interface SedQueryResult extends SedIdentity {
  flags: SedSscFlags;
  /** Absent when the drive has no Locking feature descriptor. */
  locking?: SedLockingStatus;
  geometry?: { align: boolean; granularity: number; logicalBlockSize: number; lowestAlignedLba: number };
  opal2?: {
    baseComId: number;
    lockingAdmins: number;
    lockingUsers: number;
    initialPin: number;
    revertedPin: number;
  };
  singleUser?: { lockingObjects: number; any: boolean; all: boolean; policy: boolean };
  /** Feature descriptors the tool does not parse (e.g. Block SID on 1.20). */
  unknownFeatureCount: number;
  tperProperties: Record<string, number>;
}

export interface SedLockingRange {
  range: number;
  start: number;
  length: number;
  readLockEnabled: boolean;
  writeLockEnabled: boolean;
  readLocked: boolean;
  writeLocked: boolean;
}

/** A keyed or destructive call: where, and which drive must be there (invariant 2). */
export interface SedTarget {
  device: string;
  /** The serial recorded at discovery (trimmed, as `identify` returns it). */
  expectedSerial: string;
}

export interface SedSidRequest extends SedTarget {
  sidPassword: Secret;
}

export interface SedAdmin1Request extends SedTarget {
  admin1Password: Secret;
}

export interface SedTakeOwnershipRequest extends SedTarget {
  newSidPassword: Secret;
}

export interface SedChangePasswordRequest extends SedTarget {
  currentPassword: Secret;
  newPassword: Secret;
}

export interface SedCheckCredentialRequest extends SedTarget {
  authority: 'SID' | 'Admin1';
  password: Secret;
}

/** Locking range 0 (global) .. 15: sedutil 1.20 cannot address more (reference §1.1 rule 7). */
export interface SedRangeRequest extends SedAdmin1Request {
  range: number;
}

export interface SedRangeLockingRequest extends SedRangeRequest {
  locking: 'read-write' | 'write-only' | 'off';
}

export interface SedLockStateRequest extends SedRangeRequest {
  state: 'locked' | 'unlocked' | 'read-only';
}

export interface SedSetupRangeRequest extends SedRangeRequest {
  startLba: number;
  lengthLba: number;
}
