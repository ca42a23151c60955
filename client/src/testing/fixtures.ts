// Small, valid DTOs for client tests (they pass the shared response schemas).
import type { Approval } from '../../../shared/schemas/approvals.ts';
import type { Cartridge, TapePool } from '../../../shared/schemas/cartridges.ts';
import type { EraseRequest } from '../../../shared/schemas/erase.ts';
import type { Job } from '../../../shared/schemas/jobs.ts';
import type { AuditEvent } from '../../../shared/schemas/audit.ts';
import type { KeyDomain } from '../../../shared/schemas/keys.ts';
import type { SedDrive } from '../../../shared/schemas/sed.ts';
import type { LibraryElement, TapeDrive, TapeLibrary } from '../../../shared/schemas/tape.ts';
import { cartridgeOfBarcode } from '../components/libraries/media.ts';

export function domain(id: string, patch: Partial<KeyDomain> = {}): KeyDomain {
  return {
    id,
    description: '',
    purpose: 'general',
    rotationPeriodDays: null,
    activeKekVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastRotatedAt: null,
    nextRotationAt: null,
    keks: [
      {
        version: 1,
        state: 'active',
        createdAt: '2026-01-01T00:00:00.000Z',
        deactivatedAt: null,
        destroyedAt: null,
        secretCount: 0,
      },
    ],
    secretsByState: {},
    ...patch,
  };
}

export function job(id: string, patch: Partial<Job> = {}): Job {
  return {
    id,
    kind: 'kek.rotate',
    state: 'queued',
    params: { domainId: 'sed-fleet' },
    done: 0,
    total: 0,
    failedItems: 0,
    errorCode: null,
    errorMessage: null,
    createdBy: 'admin',
    createdAt: '2026-01-01T00:00:00.000Z',
    runAfter: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    cursor: null,
    ...patch,
  };
}

export function approval(id: string, patch: Partial<Approval> = {}): Approval {
  return {
    id,
    action: 'kek.destroy',
    target: 'kek:sed-fleet:v1',
    params: { domainId: 'sed-fleet', version: 1 },
    state: 'pending',
    requestedBy: 'ann',
    requestedAt: '2026-01-01T00:00:00.000Z',
    reason: 'retired',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    expiresAt: '2026-01-02T00:00:00.000Z',
    executedAt: null,
    consumedAt: null,
    requiredApprovers: 1,
    validHours: 24,
    votes: [],
    ...patch,
  };
}

export function sedDrive(id: string, patch: Partial<SedDrive> = {}): SedDrive {
  return {
    id,
    serial: `S6PU${id.toUpperCase()}`,
    host: 'lab-host-1',
    devicePath: '/dev/sda',
    model: 'Samsung SSD 870 EVO 1TB',
    firmware: 'SVT02B6Q',
    transport: 'sata',
    ssc: 'opal2',
    state: 'discovered',
    step: null,
    lockingSupported: true,
    lockingEnabled: false,
    locked: false,
    mbrEnabled: false,
    mbrDone: false,
    ranges: [
      {
        range: 0,
        start: 0,
        length: 0,
        readLockEnabled: false,
        writeLockEnabled: false,
        readLocked: false,
        writeLocked: false,
      },
    ],
    rangesReadAt: null,
    hasCredentials: false,
    credentialRotationPending: false,
    lastError: null,
    lastSeenAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

export function auditEvent(seq: number, patch: Partial<AuditEvent> = {}): AuditEvent {
  return {
    seq,
    at: '2026-01-01T00:00:00.000Z',
    actor: 'admin',
    action: 'auth.login',
    target: null,
    outcome: 'success',
    requestId: null,
    details: {},
    hash: `h${seq}`,
    ...patch,
  };
}

export function tapeLibrary(serial: string, patch: Partial<TapeLibrary> = {}): TapeLibrary {
  return {
    serial,
    ref: `sim:${serial}`,
    vendor: 'IBM',
    product: '3573-TL',
    revision: 'F.11',
    reachable: true,
    doorOpen: false,
    error: null,
    counts: {
      slots: 2,
      fullSlots: 1,
      drives: 2,
      loadedDrives: 0,
      importExport: 1,
      fullImportExport: 0,
      cleaning: 0,
    },
    inventoryVersion: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

export function tapeDrive(serial: string, patch: Partial<TapeDrive> = {}): TapeDrive {
  return {
    serial,
    ref: `sim:${serial}`,
    vendor: 'IBM',
    product: 'ULT3580-HH9',
    revision: 'Q3A0',
    reachable: true,
    error: null,
    library: null,
    encryption: { supported: true, hostControlled: true, algorithmIndex: 1, maxKeyIdLength: 32 },
    medium: { loaded: false, ready: false, condition: 'no-medium', writeProtected: null, barcode: null },
    status: {
      encrypting: false,
      decryptionMode: 'disabled',
      scope: 'public',
      keyInstanceCounter: 0,
      parametersControl: 'host',
      keyId: null,
    },
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

export function libraryElement(
  kind: LibraryElement['kind'],
  address: number,
  patch: Partial<LibraryElement> = {},
): LibraryElement {
  return {
    kind,
    address,
    full: false,
    barcode: null,
    mediaId: null,
    cartridgeKind: null,
    generation: null,
    mediumType: 'unspecified',
    sourceAddress: null,
    accessible: true,
    exception: null,
    driveSerial: null,
    ...patch,
  };
}

/** A full element holding `barcode` (kind and generation read from the label, as the server does). */
export function cartridgeIn(
  kind: LibraryElement['kind'],
  address: number,
  barcode: string,
  patch: Partial<LibraryElement> = {},
): LibraryElement {
  const c = cartridgeOfBarcode(barcode);
  return libraryElement(kind, address, {
    full: true,
    ...c,
    ...patch,
  });
}

export function tapePool(id: string, patch: Partial<TapePool> = {}): TapePool {
  return {
    id,
    librarySerial: 'L1',
    name: `Pool ${id}`,
    volserFrom: 'A00000',
    volserTo: 'A00999',
    mediaId: 'L9',
    keyPolicy: 'per-cartridge',
    keyPeriodDays: null,
    cartridges: 0,
    createdBy: 'admin',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

export function cartridge(barcode: string, patch: Partial<Cartridge> = {}): Cartridge {
  return {
    barcode,
    librarySerial: 'L1',
    poolId: 'p1',
    state: 'enrolled',
    keyRef: `LW-${barcode.padStart(16, '0').slice(-16)}`,
    keyState: 'active',
    keyCreatedAt: '2026-01-01T00:00:00.000Z',
    enrolledAt: '2026-01-01T00:00:00.000Z',
    lastMountedAt: null,
    lastVerifiedAt: null,
    verifyResult: null,
    ...patch,
  };
}

export function eraseRequest(id: string, patch: Partial<EraseRequest> = {}): EraseRequest {
  return {
    id,
    method: 'tape-shred',
    range: null,
    reason: 'retired',
    schedule: { kind: 'now' },
    state: 'pending-approval',
    requestedBy: 'olivia',
    approvalId: `ap-${id}`,
    approvedBy: null,
    runAt: null,
    jobId: null,
    itemCount: 1,
    createdAt: '2026-12-03T09:00:00.000Z',
    updatedAt: '2026-12-03T09:00:00.000Z',
    ...patch,
  };
}
