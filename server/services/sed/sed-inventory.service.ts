import type { SedDrive } from '../../../shared/schemas/sed.ts';
import { AppError } from '../../domain/errors.ts';
import type { DomainEvents } from '../../domain/events.ts';
import type { Store } from '../../domain/repositories.ts';
import type {
  SedDriveQuery,
  SedDriveRecord,
  SedDriveState,
  SedStatusSnapshot,
} from '../../domain/sed-repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdGen } from '../../platform/ids.ts';
import type { AuditService } from '../audit.service.ts';
import { sedCall } from './sed-errors.ts';
import type { SedFleet, SedRange } from './sed-port.ts';

/** Opal SSCs this console can own and lock (Enterprise needs band commands sedutil lacks). */
const MANAGEABLE = new Set(['opal2', 'opal1']);
const PASSWORD_SCHEME = 'dta-sha1-75k';

export function toSedDriveDto(d: SedDriveRecord): SedDrive {
  return {
    id: d.id,
    serial: d.serial,
    host: d.host,
    devicePath: d.devicePath,
    model: d.model,
    firmware: d.firmware,
    transport: d.transport,
    ssc: d.ssc,
    state: d.state,
    step: d.step,
    lockingSupported: d.status.lockingSupported,
    lockingEnabled: d.status.lockingEnabled,
    locked: d.status.locked,
    mbrEnabled: d.status.mbrEnabled,
    mbrDone: d.status.mbrDone,
    ranges: d.status.ranges,
    rangesReadAt: d.status.rangesReadAt ?? null,
    hasCredentials: d.admin1SecretId !== null,
    credentialRotationPending: d.pendingAdmin1SecretId !== null && d.state === 'rotating',
    lastError: d.lastError,
    lastSeenAt: d.lastSeenAt,
    updatedAt: d.updatedAt,
  };
}

/** Opal's Level-0 "Locked": some range enforces a lock it has set. */
export function anyRangeLocked(ranges: readonly SedRange[]): boolean {
  return ranges.some((r) => (r.readLockEnabled && r.readLocked) || (r.writeLockEnabled && r.writeLocked));
}

/**
 * A fresh `--query` snapshot with the ranges last listed kept: the query cannot list them (that
 * takes Admin1). A drive whose Locking SP is no longer active has none.
 */
function withKnownRanges(previous: SedStatusSnapshot, fresh: SedStatusSnapshot): SedStatusSnapshot {
  if (fresh.ranges.length > 0 || !fresh.lockingEnabled) return fresh;
  if (previous.rangesReadAt === undefined) return { ...fresh, ranges: previous.ranges };
  return { ...fresh, ranges: previous.ranges, rangesReadAt: previous.rangesReadAt };
}

/**
 * Discovery: which drives this host has, what they are and what Opal state they are in. A
 * drive is identified by its serial number, never by its device path (paths move).
 */
export class SedInventoryService {
  constructor(
    private readonly d: {
      store: Store;
      sed: SedFleet;
      audit: AuditService;
      events: DomainEvents;
      clock: Clock;
      ids: IdGen;
    },
  ) {}

  /** Discovers every host's drives; a host that cannot be scanned is skipped, not fatal. */
  async discover(actor: string, requestId: string | null) {
    const total = { seen: 0, added: 0, changed: 0, missing: 0 };
    for (const host of this.d.sed.hosts()) {
      const r = await this.discoverHost(host, actor, requestId);
      total.seen += r.seen;
      total.added += r.added;
      total.changed += r.changed;
      total.missing += r.missing;
    }
    return total;
  }

  private async discoverHost(host: string, actor: string, requestId: string | null) {
    const port = this.d.sed.port(host);
    const found = await sedCall(`scan ${host}`, () => port.scan());
    const now = this.d.clock.now().toISOString();
    const seen = new Set<string>();
    let added = 0;
    let changed = 0;
    for (const info of found) {
      const full = await sedCall(`query ${info.devicePath}`, () => port.query(info.devicePath)).catch(
        () => undefined,
      );
      if (!full || !full.serial) continue;
      seen.add(full.serial);
      const existing = await this.d.store.sedDrives.findBySerial(full.serial);
      if (!existing) {
        const state: SedDriveState =
          MANAGEABLE.has(full.ssc) && full.status.lockingSupported ? 'discovered' : 'unsupported';
        const record: SedDriveRecord = {
          id: this.d.ids.uuid(),
          serial: full.serial,
          host: host,
          devicePath: full.devicePath,
          model: full.model,
          firmware: full.firmware,
          transport: full.transport,
          ssc: full.ssc,
          status: full.status,
          state,
          step: null,
          passwordScheme: PASSWORD_SCHEME,
          sidSecretId: null,
          admin1SecretId: null,
          pendingSidSecretId: null,
          pendingAdmin1SecretId: null,
          lastError: null,
          lastSeenAt: now,
          createdAt: now,
          updatedAt: now,
        };
        await this.d.store.transaction(async (tx) => {
          await tx.sedDrives.insert(record);
          await this.d.audit.record(tx, {
            actor,
            action: 'sed.discover',
            target: `sed:${record.serial}`,
            outcome: 'success',
            requestId,
            details: { devicePath: record.devicePath, model: record.model, ssc: record.ssc, state },
          });
          tx.afterCommit(() => this.publish(record));
        });
        added++;
        continue;
      }
      const moved = existing.devicePath !== full.devicePath || existing.host !== host;
      const patch = {
        devicePath: full.devicePath,
        host: host,
        firmware: full.firmware,
        status: withKnownRanges(existing.status, full.status),
        lastSeenAt: now,
        updatedAt: now,
        ...(existing.state === 'missing' && {
          state: (existing.admin1SecretId ? 'enrolled' : 'discovered') as SedDriveState,
        }),
      };
      await this.d.store.transaction(async (tx) => {
        await tx.sedDrives.update(existing.id, patch);
        if (!moved) return;
        // Device paths move between boots; the serial is the identity. Record the move.
        await this.d.audit.record(tx, {
          actor,
          action: 'sed.path.change',
          target: `sed:${existing.serial}`,
          outcome: 'success',
          requestId,
          details: {
            from: `${existing.host}:${existing.devicePath}`,
            to: `${host}:${full.devicePath}`,
          },
        });
      });
      changed++;
      this.publish({ ...existing, ...patch });
    }
    let missing = 0;
    for (const drive of await this.d.store.sedDrives.listAll({ host: host })) {
      if (seen.has(drive.serial) || drive.state === 'missing') continue;
      await this.d.store.sedDrives.update(drive.id, { state: 'missing', updatedAt: now });
      this.publish({ ...drive, state: 'missing' });
      missing++;
    }
    return { seen: seen.size, added, changed, missing };
  }

  /** Re-reads one drive's Opal state (after a lock change, or on demand). */
  async refresh(id: string): Promise<SedDriveRecord> {
    const drive = await this.require(id);
    const full = await sedCall(`query ${drive.devicePath}`, () =>
      this.d.sed.port(drive.host).query(drive.devicePath),
    );
    if (full.serial !== drive.serial) {
      throw new AppError(
        'SED_IDENTITY_MISMATCH',
        `${drive.devicePath} now holds drive ${full.serial}, not ${drive.serial}; run discovery`,
      );
    }
    const now = this.d.clock.now().toISOString();
    const status = withKnownRanges(drive.status, full.status);
    await this.d.store.sedDrives.update(id, { status, lastSeenAt: now, updatedAt: now });
    const updated = { ...drive, status, lastSeenAt: now, updatedAt: now };
    this.publish(updated);
    return updated;
  }

  /**
   * Records the locking ranges just listed (and the Level-0 lock bit they imply), with its
   * `sed.ranges.read` audit record in the same transaction.
   */
  async recordRanges(
    driveId: string,
    ranges: SedRange[],
    ctx: { actor: string; requestId: string | null },
  ): Promise<SedDriveRecord> {
    const now = this.d.clock.now().toISOString();
    return this.d.store.transaction(async (tx) => {
      const drive = await tx.sedDrives.find(driveId);
      if (!drive) throw new AppError('DEVICE_NOT_FOUND', 'No such drive');
      const status = { ...drive.status, ranges, rangesReadAt: now, locked: anyRangeLocked(ranges) };
      const patch = { status, lastSeenAt: now, updatedAt: now };
      await tx.sedDrives.update(driveId, patch);
      await this.d.audit.record(tx, {
        actor: ctx.actor,
        action: 'sed.ranges.read',
        target: `sed:${drive.serial}`,
        outcome: 'success',
        requestId: ctx.requestId,
        details: {
          devicePath: drive.devicePath,
          host: drive.host,
          ranges: ranges.length,
          lockedRanges: ranges.filter((r) => anyRangeLocked([r])).map((r) => r.range),
        },
      });
      const updated = { ...drive, ...patch };
      tx.afterCommit(() => this.publish(updated));
      return updated;
    });
  }

  /** Records lock bits the drive just accepted, without asking it again. */
  async recordLockState(
    drive: SedDriveRecord,
    range: number,
    mode: 'LK' | 'RW' | 'RO',
  ): Promise<SedDriveRecord> {
    const readLocked = mode === 'LK';
    const writeLocked = mode !== 'RW';
    const ranges = drive.status.ranges.map((r) =>
      r.range === range ? { ...r, readLocked, writeLocked } : r,
    );
    const locked =
      range === 0 ? readLocked || writeLocked : ranges.some((r) => r.readLocked || r.writeLocked);
    const now = this.d.clock.now().toISOString();
    const status = { ...drive.status, ranges, locked };
    await this.d.store.sedDrives.update(drive.id, { status, updatedAt: now });
    const updated = { ...drive, status, updatedAt: now };
    this.publish(updated);
    return updated;
  }

  list(q: SedDriveQuery) {
    return this.d.store.sedDrives.list(q);
  }

  async require(id: string): Promise<SedDriveRecord> {
    const drive = await this.d.store.sedDrives.find(id);
    if (!drive) throw new AppError('DEVICE_NOT_FOUND', 'No such drive');
    return drive;
  }

  publish(drive: SedDriveRecord): void {
    this.d.events.emit('device:updated', { id: `sed:${drive.id}`, kind: 'sed', drive: toSedDriveDto(drive) });
  }
}
