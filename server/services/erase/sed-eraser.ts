import type { Secret } from '../../drivers/core/secret.ts';
import { AppError } from '../../domain/errors.ts';
import type { EraseItemRecord, EraseRequestRecord } from '../../domain/erase-repositories.ts';
import type { Store } from '../../domain/repositories.ts';
import type { SedDriveRecord } from '../../domain/sed-repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import { withSedPassword } from '../sed/sed-credentials.ts';
import { isTransientSed, sedCall } from '../sed/sed-errors.ts';
import type { SedFleet } from '../sed/sed-port.ts';
import type { EraseCtx, ItemEraser, MediumDescription, Verification } from './item-eraser.ts';

/**
 * Opal crypto-erase of a whole drive (RevertTPer with the escrowed SID: every range gets a new
 * key, the drive goes back to factory state) or of one locking range (GenKey with Admin1).
 * Identity before action: the drive at the recorded path must report the approved serial, and
 * the driver checks it again right before the destructive command. Authentication failures are
 * final (a retry would spend the drive's tries and lock it out).
 */
export class SedEraser implements ItemEraser {
  constructor(
    private readonly d: {
      store: Store;
      sed: SedFleet;
      secrets: ManagedSecretsService;
      clock: Clock;
    },
  ) {}

  async preflight(item: EraseItemRecord, request: EraseRequestRecord): Promise<void> {
    const drive = await this.drive(item.identity, request.method === 'sed-psid-revert');
    const seen = await sedCall(`identify ${drive.serial}`, () =>
      this.d.sed.port(drive.host).query(drive.devicePath),
    );
    if (seen.serial !== drive.serial) {
      throw new AppError(
        'SED_IDENTITY_MISMATCH',
        `${drive.host}:${drive.devicePath} now holds ${seen.serial}, not the approved ${drive.serial}; nothing was erased`,
      );
    }
    // A revert crypto-erases only a drive whose Locking SP is active: with locking never
    // activated, RevertTPer keeps the global range's data (reference §5.4), and the factory
    // state a verification looks for was already there. Refuse rather than certify that.
    if (request.method !== 'sed-range-rekey' && !seen.status.lockingEnabled) {
      throw new AppError(
        'SED_NOT_SUPPORTED',
        `The Locking SP of ${drive.serial} is not active: a revert would leave its data readable, so nothing was erased. Sanitize it by other means (block erase, or destroy the medium)`,
      );
    }
  }

  async erase(item: EraseItemRecord, request: EraseRequestRecord, ctx: EraseCtx): Promise<void> {
    const drive = await this.drive(item.identity);
    const port = this.d.sed.port(drive.host);
    if (request.method === 'sed-psid-revert')
      throw new AppError('VALIDATION_FAILED', 'A PSID revert runs when an operator types the PSID');
    if (request.method === 'sed-revert') {
      await withSedPassword(
        this.d,
        need(drive.sidSecretId, drive),
        'process',
        { ...ctx, purpose: 'revert (erase)' },
        (sid) =>
          sedCall(`revert ${drive.serial}`, () => port.revertTper(drive.devicePath, sid, drive.serial)),
      );
      return;
    }
    const range = request.range ?? 0;
    await withSedPassword(
      this.d,
      need(drive.admin1SecretId, drive),
      'process',
      { ...ctx, purpose: `re-key range ${range} (erase)` },
      (admin1) =>
        sedCall(`re-key ${drive.serial}`, () =>
          port.rekeyRange(drive.devicePath, range, admin1, drive.serial),
        ),
    );
  }

  /** The PSID revert itself: the PSID comes from the operator for this one call. */
  async psidRevert(item: EraseItemRecord, psid: Secret): Promise<void> {
    const drive = await this.drive(item.identity, true);
    await sedCall(`PSID revert ${drive.serial}`, () =>
      this.d.sed.port(drive.host).psidRevert(drive.devicePath, psid, drive.serial),
    );
  }

  async verify(item: EraseItemRecord, request: EraseRequestRecord): Promise<Verification> {
    const drive = await this.drive(item.identity, request.method === 'sed-psid-revert');
    const port = this.d.sed.port(drive.host);
    if (request.method !== 'sed-range-rekey') {
      const q = await sedCall(`query ${drive.serial}`, () => port.query(drive.devicePath));
      const inactive = !q.status.lockingEnabled;
      // A drive whose Locking SP is still active was not reverted: trying the MSID then would
      // only spend one of the SID's tries (a resume after a crash must not lock the drive out).
      const msidOpens =
        inactive &&
        (await sedCall(`check MSID ${drive.serial}`, () =>
          port.sidIsFactoryMsid(drive.devicePath, drive.serial),
        ));
      return {
        passed: inactive && msidOpens,
        method:
          'sedutil query (Locking feature) + SID authentication with the MSID (-n --setSIDPassword MSID MSID)',
        details: inactive
          ? `Locking SP inactive (factory); the MSID ${msidOpens ? 'opens' : 'does not open'} the Admin SP as SID`
          : 'Locking SP still active (not reverted; the MSID was not tried)',
      };
    }
    // A range re-key leaves no trace a query shows; the drive accepted GenKey for that range.
    return {
      passed: true,
      method: 'GenKey accepted by the drive for the locking range (TCG status 0)',
      details: `range ${request.range ?? 0} of ${drive.serial} has a new media encryption key`,
    };
  }

  /** Every escrowed credential of the drive is worthless after a revert: destroyed, with the approval. */
  async retireSecrets(item: EraseItemRecord, request: EraseRequestRecord, ctx: EraseCtx): Promise<void> {
    if (request.method === 'sed-range-rekey') return;
    const drive = await this.drive(item.identity, true);
    const escrowed = [
      drive.sidSecretId,
      drive.admin1SecretId,
      drive.pendingSidSecretId,
      drive.pendingAdmin1SecretId,
    ];
    for (const id of escrowed) {
      if (!id) continue;
      const s = await this.d.secrets.get(id);
      if (s.state === 'destroyed') continue;
      if (s.state === 'active' || s.state === 'suspended')
        await this.d.secrets.transition(id, 'deactivate', {
          ...ctx,
          reason: `drive ${drive.serial} reverted`,
        });
      await this.d.secrets.destroy(id, {
        actor: ctx.actor,
        requestId: ctx.requestId,
        approvalId: ctx.approvalId,
      });
    }
    await this.d.store.sedDrives.update(drive.id, {
      state: 'discovered',
      step: null,
      sidSecretId: null,
      admin1SecretId: null,
      pendingSidSecretId: null,
      pendingAdmin1SecretId: null,
      updatedAt: this.d.clock.now().toISOString(),
    });
  }

  async describe(item: EraseItemRecord, request: EraseRequestRecord): Promise<MediumDescription> {
    const drive = await this.drive(item.identity, true);
    return {
      mediaType:
        drive.transport === 'NVMe'
          ? 'NVMe SSD (TCG Opal)'
          : `${drive.transport.toUpperCase()} drive (TCG Opal)`,
      manufacturer: drive.model.split(/\s+/)[0] ?? 'unknown',
      model: drive.model,
      serial: drive.serial,
      category: 'Purge',
      technique: TECHNIQUES[request.method].replace('{range}', String(request.range ?? 0)),
      tool: 'sedutil-cli (via Lockwarden)',
      toolVersion: drive.passwordScheme === 'chubbyant-sha512-500k' ? 'ChubbyAnt fork' : 'DTA 1.20/1.49',
    };
  }

  isTransient(err: unknown): boolean {
    return isTransientSed(err);
  }

  private async drive(serial: string, any = false): Promise<SedDriveRecord> {
    const drive = await this.d.store.sedDrives.findBySerial(serial);
    if (!drive) throw new AppError('DEVICE_NOT_FOUND', `No drive with serial ${serial}`);
    if (!any && drive.state !== 'enrolled' && drive.state !== 'discovered')
      throw new AppError('SED_NOT_ENROLLED', `${drive.serial} is ${drive.state}`);
    return drive;
  }
}

const TECHNIQUES: Record<EraseRequestRecord['method'], string> = {
  'sed-revert': 'Cryptographic Erase: TCG Opal RevertTPer with the SID (all media encryption keys replaced)',
  'sed-psid-revert':
    'Cryptographic Erase: TCG Opal RevertTPer with the PSID from the drive label (all media encryption keys replaced)',
  'sed-range-rekey': 'Cryptographic Erase: TCG Opal GenKey on locking range {range}',
  'tape-shred': 'not an SED method',
};

function need(id: string | null, drive: SedDriveRecord): string {
  if (!id) throw new AppError('SED_NOT_ENROLLED', `${drive.serial} has no escrowed credential`);
  return id;
}
