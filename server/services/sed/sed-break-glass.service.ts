import type { Approval } from '../../../shared/schemas/approvals.ts';
import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../domain/repositories.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ApprovalsService } from '../approvals.service.ts';
import type { AuditService } from '../audit.service.ts';
import type { Principal, RequestMeta } from '../auth/principal.ts';
import type { ManagedSecretsService } from '../keys/managed-secrets.service.ts';
import type { SedInventoryService } from './sed-inventory.service.ts';
import { sedPasswordFromSecret } from '../../drivers/sed/sed-password.ts';

export const BREAK_GLASS_ACTION = 'sed.break-glass';
/** How long an approved reveal may be used, once. */
const GRANT_MINUTES = 15;

export interface BreakGlassReveal {
  serial: string;
  model: string;
  host: string;
  devicePath: string;
  /** The Admin1 password exactly as stock sedutil-cli takes it (hashed by sedutil itself). */
  admin1Password: string;
  unlockCommand: string;
  expiresNote: string;
}

/**
 * Break-glass: when the console is down or unreachable, an operator may need one drive's Admin1
 * password to unlock it with stock sedutil-cli. Revealing it needs a second person's approval,
 * works once, within 15 minutes, for the requester only, and is audited at every step. This is
 * the one response that carries a credential, by design; rotate the drive's credentials after.
 */
export class SedBreakGlassService {
  constructor(
    private readonly d: {
      store: Store;
      secrets: ManagedSecretsService;
      inventory: SedInventoryService;
      approvals: ApprovalsService;
      audit: AuditService;
      clock: Clock;
    },
  ) {
    // The approval itself is the grant; executing it only records that it was granted.
    d.approvals.registerExecutor(BREAK_GLASS_ACTION, () => Promise.resolve());
  }

  async request(actor: Principal, driveId: string, reason: string, meta: RequestMeta): Promise<Approval> {
    const drive = await this.d.inventory.require(driveId);
    if (!drive.admin1SecretId)
      throw new AppError('SED_NOT_ENROLLED', `${drive.serial} has no escrowed credential`);
    return this.d.approvals.request(
      actor,
      {
        action: BREAK_GLASS_ACTION,
        target: `sed:${drive.serial}`,
        params: { driveId, serial: drive.serial },
        reason,
      },
      meta,
    );
  }

  async reveal(
    actor: Principal,
    driveId: string,
    approvalId: string,
    meta: RequestMeta,
  ): Promise<BreakGlassReveal> {
    const approval = await this.d.store.approvals.find(approvalId);
    const drive = await this.d.inventory.require(driveId);
    const fail = async (why: string) => {
      await this.d.store.transaction((tx) =>
        this.d.audit.record(tx, {
          actor: actor.user.username,
          action: 'sed.break-glass.reveal',
          target: `sed:${drive.serial}`,
          outcome: 'denied',
          requestId: meta.requestId,
          details: { approvalId, why },
        }),
      );
      return new AppError('APPROVAL_NOT_PENDING', why);
    };
    if (!approval || approval.action !== BREAK_GLASS_ACTION || approval.params.driveId !== driveId) {
      throw new AppError('APPROVAL_NOT_FOUND', 'No break-glass approval for this drive');
    }
    if (approval.requestedBy !== actor.user.username)
      throw await fail('Only the person who asked may use the grant');
    if (approval.state !== 'executed' || !approval.executedAt)
      throw await fail(`The request is ${approval.state}, not approved`);
    const expires = new Date(approval.executedAt).getTime() + GRANT_MINUTES * 60_000;
    if (this.d.clock.now().getTime() > expires) throw await fail('The grant expired; ask again');
    if (!drive.admin1SecretId)
      throw new AppError('SED_NOT_ENROLLED', `${drive.serial} has no escrowed credential`);
    if (!(await this.d.store.approvals.consume(approvalId, this.d.clock.now().toISOString()))) {
      throw await fail('The grant was already used');
    }
    await this.d.store.transaction((tx) =>
      this.d.audit.record(tx, {
        actor: actor.user.username,
        action: 'sed.break-glass.reveal',
        target: `sed:${drive.serial}`,
        outcome: 'success',
        requestId: meta.requestId,
        details: { approvalId, approvedBy: approval.decidedBy, secret: drive.admin1SecretId },
      }),
    );
    const raw = await this.d.secrets.unwrapForUse(drive.admin1SecretId, 'process', {
      actor: actor.user.username,
      requestId: meta.requestId,
      purpose: 'break-glass reveal',
    });
    try {
      const password = sedPasswordFromSecret(raw);
      try {
        const text = password.expose().toString('utf8');
        return {
          serial: drive.serial,
          model: drive.model,
          host: drive.host,
          devicePath: drive.devicePath,
          admin1Password: text,
          unlockCommand: `sedutil-cli --setLockingRange 0 RW '${text}' ${drive.devicePath}`,
          expiresNote: 'Shown once. Rotate this drive’s credentials once the console is back.',
        };
      } finally {
        password.dispose();
      }
    } finally {
      raw.dispose();
    }
  }
}
