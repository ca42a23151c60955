import type { Config } from './config.ts';
import { DomainEvents } from './domain/events.ts';
import type { Store } from './domain/repositories.ts';
import type { HsmDriver } from './drivers/hsm/hsm-driver.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { cryptoIds, type IdGen } from './platform/ids.ts';
import type { Logger } from './platform/logger.ts';
import { ApiTokensService } from './services/api-tokens.service.ts';
import { ApprovalsService } from './services/approvals.service.ts';
import { ApprovalPolicyService } from './services/approval-policy.service.ts';
import { AuditSealService } from './services/audit-seal.service.ts';
import { AuditService } from './services/audit.service.ts';
import { AuthService } from './services/auth/auth.service.ts';
import { LoginLimiter } from './services/auth/login-limiter.ts';
import { DEFAULT_SCRYPT_COST, PasswordHasher, type ScryptCost } from './services/auth/password-hasher.ts';
import { HsmStatusService } from './services/hsm-status.service.ts';
import { JobRunner, type JobRunnerOptions } from './services/jobs/job-runner.ts';
import { kekRotationJob } from './services/keys/kek-rotation.job.ts';
import type { KeyHsm, SealHsm } from './services/keys/hsm-port.ts';
import { KekService } from './services/keys/kek.service.ts';
import { KeyDomainsService } from './services/keys/key-domains.service.ts';
import { ManagedSecretsService } from './services/keys/managed-secrets.service.ts';
import { UsersService } from './services/users.service.ts';
import { CertificateSigner, type CertHsm } from './services/certificates/certificate-signer.ts';
import { CertificatesService } from './services/certificates/certificates.service.ts';
import { certificateInputOf } from './services/erase/certificate-adapter.ts';
import { eraseJob, type CertificateRequest, type EraseJobDeps } from './services/erase/erase.job.ts';
import { EraseRequestsService } from './services/erase/erase-requests.service.ts';
import { TapeShredder } from './services/erase/tape-shredder.ts';
import { SedEraser } from './services/erase/sed-eraser.ts';
import { PsidRevertService } from './services/erase/psid-revert.service.ts';
import { sedEnrollmentJob } from './services/sed/sed-enrollment.job.ts';
import { SedInventoryService } from './services/sed/sed-inventory.service.ts';
import { SedLockService } from './services/sed/sed-lock.service.ts';
import type { SedFleet } from './services/sed/sed-port.ts';
import { sedRotationJob } from './services/sed/sed-rotation.job.ts';
import { sedUnlockAllJob } from './services/sed/sed-unlock-all.job.ts';
import { SedWorkflowsService } from './services/sed/sed-workflows.service.ts';
import { SedBreakGlassService } from './services/sed/sed-break-glass.service.ts';

import { TapeInventoryService } from './services/tape/tape-inventory.service.ts';
import { TapeMountService } from './services/tape/tape-mount.service.ts';
import { TapePoolsService } from './services/tape/tape-pools.service.ts';
import { TapeEnrollmentService } from './services/tape/tape-enrollment.service.ts';
import { tapeEnrollmentJob } from './services/tape/tape-enrollment.job.ts';
import { TapeKeyDeliveryService } from './services/tape/tape-key-delivery.service.ts';
import { TapeLifecycleService } from './services/tape/tape-lifecycle.service.ts';
import { TapeVerificationService } from './services/tape/tape-verification.service.ts';
import { tapeVerifyJob } from './services/tape/tape-verify.job.ts';
import type { TapeFleetPort } from './services/tape/tape-port.ts';

export interface Services {
  events: DomainEvents;
  audit: AuditService;
  auth: AuthService;
  users: UsersService;
  tokens: ApiTokensService;
  jobs: JobRunner;
  approvals: ApprovalsService;
  approvalPolicy: ApprovalPolicyService;
  domains: KeyDomainsService;
  secrets: ManagedSecretsService;
  keks: KekService;
  seals: AuditSealService;
  hsmStatus: HsmStatusService;
  certificates: CertificatesService;
  erase: EraseRequestsService;
  /** PSID revert by an operator (only with SED drivers). */
  psidRevert: PsidRevertService | undefined;
  sed:
    | {
        inventory: SedInventoryService;
        locks: SedLockService;
        workflows: SedWorkflowsService;
        breakGlass: SedBreakGlassService;
      }
    | undefined;
  tape:
    | {
        inventory: TapeInventoryService;
        mounts: TapeMountService;
        pools: TapePoolsService;
        enrollment: TapeEnrollmentService;
        delivery: TapeKeyDeliveryService;
        lifecycle: TapeLifecycleService;
        verification: TapeVerificationService;
      }
    | undefined;
}

export type ServicesHsm = KeyHsm & SealHsm & CertHsm & Pick<HsmDriver, 'getStatus'>;

export interface BuildServicesOptions {
  config: Config;
  store: Store;
  /** The HSM operations the services use (the real driver, or a test double with these). */
  hsm: ServicesHsm;
  logger: Logger;
  clock?: Clock;
  ids?: IdGen;
  /** Tests lower the scrypt cost; production keeps the default. */
  scryptCost?: ScryptCost;
  /** Job owner name of this console process (unique per process). */
  instanceId?: string;
  /** This installation's stable name, the issuer of its certificates; default the instance id. */
  consoleName?: string;
  /** The SED drivers per host; absent when no SED support is configured. */
  sed?: SedFleet | undefined;
  /** The tape drives and libraries; absent when no tape support is configured. */
  tape?: TapeFleetPort | undefined;
  /** Pauses between attempts at a transient erase failure (tests shorten them). */
  eraseRetryDelaysMs?: number[];
  /** Job runner timings (tests shorten them). */
  jobRunner?: Partial<
    Pick<JobRunnerOptions, 'pollMs' | 'heartbeatMs' | 'staleAfterMs' | 'retryBaseMs' | 'reclaimAllOnStart'>
  >;
}

/** Builds the services from their ports. Used by main.ts and by the tests, identically. */
export function buildServices(opts: BuildServicesOptions): Services {
  const { config, store, hsm, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? cryptoIds;
  const events = new DomainEvents();
  // The uuid's random tail: its head is a UUIDv7 timestamp, the same for consoles started within
  // about a minute of each other, and job ownership (takeover detection) needs distinct names.
  const instanceId = opts.instanceId ?? `console-${ids.uuid().slice(-8)}`;
  const hasher = new PasswordHasher(opts.scryptCost ?? DEFAULT_SCRYPT_COST);
  const audit = new AuditService(store, clock, events);
  const auth = new AuthService({
    store,
    hasher,
    limiter: new LoginLimiter(config.loginLimits),
    audit,
    events,
    clock,
    ids,
    policy: config.session,
  });
  const users = new UsersService({ store, hasher, audit, events, clock, ids });
  const tokens = new ApiTokensService({ store, audit, clock, ids });
  const jobs = new JobRunner({
    store,
    events,
    clock,
    ids,
    logger,
    instanceId,
    reclaimAllOnStart: store.dialect === 'sqlite',
    ...opts.jobRunner,
  });
  jobs.register(kekRotationJob({ store, hsm, audit, clock, events }));
  const approvalPolicy: ApprovalPolicyService = new ApprovalPolicyService({
    store,
    audit,
    clock,
    events,
    actions: () => approvals.actions(),
  });
  const approvals = new ApprovalsService({ store, audit, clock, ids, events, policy: approvalPolicy });
  const domains = new KeyDomainsService({ store, hsm, audit, clock, events });
  const secrets = new ManagedSecretsService({ store, hsm, audit, clock, ids, events });
  const keks = new KekService({
    store,
    hsm,
    audit,
    clock,
    jobs,
    approvals,
    domains,
    secrets,
    logger,
    events,
  });
  const seals = new AuditSealService({ store, hsm, clock });
  const hsmStatus = new HsmStatusService({ hsm, kind: config.drivers.hsm.kind, clock });
  const certificates = new CertificatesService({
    store,
    signer: new CertificateSigner(hsm),
    audit,
    clock,
    ids,
    issuer: opts.consoleName ?? instanceId,
  });
  let sed: Services['sed'];
  if (opts.sed) {
    const port = opts.sed;
    const inventory = new SedInventoryService({
      store,
      sed: port,
      audit,
      events,
      clock,
      ids,
    });
    const locks = new SedLockService({ store, sed: port, secrets, inventory, audit });
    jobs.register(sedEnrollmentJob({ store, sed: port, secrets, inventory, audit, events, clock }));
    jobs.register(sedRotationJob({ store, sed: port, secrets, inventory, audit, clock }));
    jobs.register(sedUnlockAllJob({ store, locks }));
    sed = {
      inventory,
      locks,
      workflows: new SedWorkflowsService({ store, jobs, audit, inventory }),
      breakGlass: new SedBreakGlassService({ store, secrets, inventory, approvals, audit, clock }),
    };
  }
  let tape: Services['tape'];
  if (opts.tape) {
    const inventory = new TapeInventoryService({ port: opts.tape, events, clock, logger });
    const mounts = new TapeMountService({ store, inventory, audit });
    const pools = new TapePoolsService({ store, domains, inventory, audit, clock, ids });
    jobs.register(tapeEnrollmentJob({ store, secrets, audit, clock, events }));
    jobs.register(tapeVerifyJob({ store, inventory, mounts, audit, clock, events }));
    const enrollment = new TapeEnrollmentService({ store, jobs, audit, inventory, pools });
    inventory.onLibraryRead((serial) => enrollment.autoEnrollImports(serial));
    tape = {
      inventory,
      mounts,
      pools,
      enrollment,
      delivery: new TapeKeyDeliveryService({ store, inventory, mounts, secrets, audit, clock, events }),
      lifecycle: new TapeLifecycleService({ store, secrets, audit, clock, events }),
      verification: new TapeVerificationService({ store, jobs, audit, inventory }),
    };
  }
  const erasers: EraseJobDeps['erasers'] = {};
  if (tape) erasers['tape-shred'] = new TapeShredder({ ...tape, store, audit, clock, events, secrets });
  const issueCertificate = async (req: CertificateRequest) =>
    (await certificates.issue(certificateInputOf(req))).document.certificateId;
  let psidRevert: PsidRevertService | undefined;
  if (opts.sed) {
    const sedEraser = new SedEraser({ store, sed: opts.sed, secrets, clock });
    erasers['sed-revert'] = sedEraser;
    erasers['sed-range-rekey'] = sedEraser;
    psidRevert = new PsidRevertService({ store, audit, clock, events, eraser: sedEraser, issueCertificate });
  }
  jobs.register(
    eraseJob({
      store,
      audit,
      clock,
      erasers,
      issueCertificate,
      ...(opts.eraseRetryDelaysMs && { retryDelaysMs: opts.eraseRetryDelaysMs }),
    }),
  );
  const erase = new EraseRequestsService({ store, approvals, jobs, audit, clock, ids, events });
  return {
    erase,
    psidRevert,
    tape,
    events,
    audit,
    auth,
    users,
    tokens,
    jobs,
    approvals,
    approvalPolicy,
    domains,
    secrets,
    keks,
    seals,
    hsmStatus,
    certificates,
    sed,
  };
}
