import { z } from 'zod';
import {
  ApiTokenSchema,
  ChangePasswordRequestSchema,
  CreateApiTokenRequestSchema,
  CreatedApiTokenSchema,
  CreateUserRequestSchema,
  LoginRequestSchema,
  SessionInfoSchema,
  UpdateUserRequestSchema,
  UserSchema,
} from '../schemas/auth.ts';
import { AuditPageSchema, AuditQuerySchema } from '../schemas/audit.ts';
import { FleetSummarySchema } from '../schemas/fleet.ts';
import {
  ApprovalDecisionSchema,
  ApprovalPolicySchema,
  ApprovalSchema,
  DestroyRequestSchema,
  SetApprovalPolicySchema,
} from '../schemas/approvals.ts';
import { AuditVerificationSchema } from '../schemas/audit-verify.ts';
import {
  CertificateGetQuerySchema,
  CertificateListQuerySchema,
  CertificatePageSchema,
  SignedCertificateSchema,
  SigningKeySchema,
} from '../schemas/certificates.ts';
import { JobListQuerySchema, JobSchema } from '../schemas/jobs.ts';
import {
  CreateKeyDomainRequestSchema,
  KeyDomainSchema,
  ManagedSecretSchema,
  SecretTransitionRequestSchema,
  UpdateKeyDomainRequestSchema,
} from '../schemas/keys.ts';
import { HsmStatusSchema } from '../schemas/hsm.ts';
import {
  BreakGlassRevealSchema,
  SedDiscoveryResultSchema,
  SedDriveListQuerySchema,
  SedDrivePageSchema,
  SedDriveSchema,
  SedLockRequestSchema,
  SedUnlockAllRequestSchema,
} from '../schemas/sed.ts';
import {
  LibraryInventorySchema,
  MountRequestSchema,
  MoveResultSchema,
  TapeDriveSchema,
  TapeLibrarySchema,
  UnmountRequestSchema,
} from '../schemas/tape.ts';
import {
  CreateEraseRequestSchema,
  EraseItemSchema,
  EraseRequestDetailSchema,
  EraseRequestSchema,
  PsidRevertSchema,
} from '../schemas/erase.ts';
import {
  CartridgeListQuerySchema,
  CartridgeMountRequestSchema,
  CartridgeMountResultSchema,
  CartridgePageSchema,
  CartridgeSchema,
  CreatePoolRequestSchema,
  EnrollmentPreviewSchema,
  EnrollmentRequestSchema,
  LibrarySettingsSchema,
  PoolListQuerySchema,
  TapePoolSchema,
  VerificationRequestSchema,
} from '../schemas/cartridges.ts';

/** One REST call: method, path (Express syntax), and the runtime schemas of its parts. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
}

/**
 * The REST contract, one entry per call, named `noun.verb`. Server routers use these schemas
 * to validate; the client derives typed callers from them. Responses without a schema are 204.
 */
export const API = {
  'auth.login': {
    method: 'POST',
    path: '/api/auth/login',
    body: LoginRequestSchema,
    response: SessionInfoSchema,
  },
  'auth.logout': { method: 'POST', path: '/api/auth/logout' },
  'auth.session': { method: 'GET', path: '/api/auth/session', response: SessionInfoSchema },
  'auth.changePassword': { method: 'POST', path: '/api/auth/password', body: ChangePasswordRequestSchema },
  'users.list': { method: 'GET', path: '/api/users', response: z.object({ users: z.array(UserSchema) }) },
  'users.create': { method: 'POST', path: '/api/users', body: CreateUserRequestSchema, response: UserSchema },
  'users.update': {
    method: 'PATCH',
    path: '/api/users/:id',
    body: UpdateUserRequestSchema,
    response: UserSchema,
  },
  'tokens.list': {
    method: 'GET',
    path: '/api/tokens',
    response: z.object({ tokens: z.array(ApiTokenSchema) }),
  },
  'tokens.create': {
    method: 'POST',
    path: '/api/tokens',
    body: CreateApiTokenRequestSchema,
    response: CreatedApiTokenSchema,
  },
  'tokens.revoke': { method: 'DELETE', path: '/api/tokens/:id' },
  'audit.list': { method: 'GET', path: '/api/audit', query: AuditQuerySchema, response: AuditPageSchema },
  'fleet.summary': { method: 'GET', path: '/api/fleet', response: FleetSummarySchema },
  'audit.verify': { method: 'GET', path: '/api/audit/verification', response: AuditVerificationSchema },
  'audit.seal': {
    method: 'POST',
    path: '/api/audit/seals',
    response: z.object({ sealedSeq: z.number().int().nullable() }),
  },
  'hsm.status': { method: 'GET', path: '/api/hsm', response: HsmStatusSchema },
  'domains.list': {
    method: 'GET',
    path: '/api/key-domains',
    response: z.object({ domains: z.array(KeyDomainSchema) }),
  },
  'domains.get': { method: 'GET', path: '/api/key-domains/:id', response: KeyDomainSchema },
  'domains.create': {
    method: 'POST',
    path: '/api/key-domains',
    body: CreateKeyDomainRequestSchema,
    response: KeyDomainSchema,
  },
  'domains.update': {
    method: 'PATCH',
    path: '/api/key-domains/:id',
    body: UpdateKeyDomainRequestSchema,
    response: KeyDomainSchema,
  },
  'domains.delete': {
    method: 'POST',
    path: '/api/key-domains/:id/deletion',
    body: DestroyRequestSchema,
    response: ApprovalSchema,
  },
  'domains.rotate': { method: 'POST', path: '/api/key-domains/:id/rotations', response: JobSchema },
  'keks.destroy': {
    method: 'POST',
    path: '/api/key-domains/:id/keks/:version/destruction',
    body: DestroyRequestSchema,
    response: ApprovalSchema,
  },
  'secrets.get': { method: 'GET', path: '/api/secrets/:id', response: ManagedSecretSchema },
  'secrets.transition': {
    method: 'POST',
    path: '/api/secrets/:id/transitions',
    body: SecretTransitionRequestSchema,
    response: ManagedSecretSchema,
  },
  'secrets.destroy': {
    method: 'POST',
    path: '/api/secrets/:id/destruction',
    body: DestroyRequestSchema,
    response: ApprovalSchema,
  },
  'approvals.list': {
    method: 'GET',
    path: '/api/approvals',
    response: z.object({ approvals: z.array(ApprovalSchema) }),
  },
  'approvals.approve': {
    method: 'POST',
    path: '/api/approvals/:id/approve',
    body: ApprovalDecisionSchema,
    response: ApprovalSchema,
  },
  'approvals.deny': {
    method: 'POST',
    path: '/api/approvals/:id/deny',
    body: ApprovalDecisionSchema,
    response: ApprovalSchema,
  },
  'approvals.policy.list': {
    method: 'GET',
    path: '/api/approval-policies',
    response: z.object({ policies: z.array(ApprovalPolicySchema) }),
  },
  'approvals.policy.set': {
    method: 'PUT',
    path: '/api/approval-policies/:action',
    body: SetApprovalPolicySchema,
    response: ApprovalPolicySchema,
  },
  'sed.list': {
    method: 'GET',
    path: '/api/sed-drives',
    query: SedDriveListQuerySchema,
    response: SedDrivePageSchema,
  },
  'sed.get': { method: 'GET', path: '/api/sed-drives/:id', response: SedDriveSchema },
  'sed.discover': { method: 'POST', path: '/api/sed-drives/discovery', response: SedDiscoveryResultSchema },
  'sed.unlockAll': {
    method: 'POST',
    path: '/api/sed-drives/unlock-all',
    body: SedUnlockAllRequestSchema,
    response: JobSchema,
  },
  'sed.enroll': { method: 'POST', path: '/api/sed-drives/:id/enrollment', response: JobSchema },
  'sed.lock': {
    method: 'POST',
    path: '/api/sed-drives/:id/lock-state',
    body: SedLockRequestSchema,
    response: SedDriveSchema,
  },
  'sed.refreshRanges': {
    method: 'POST',
    path: '/api/sed-drives/:id/ranges/refresh',
    response: SedDriveSchema,
  },
  'sed.rotate': { method: 'POST', path: '/api/sed-drives/:id/rotation', response: JobSchema },
  'sed.breakGlass': {
    method: 'POST',
    path: '/api/sed-drives/:id/break-glass',
    body: DestroyRequestSchema,
    response: ApprovalSchema,
  },
  'sed.breakGlassReveal': {
    method: 'POST',
    path: '/api/sed-drives/:id/break-glass/:approvalId/reveal',
    response: BreakGlassRevealSchema,
  },
  'tape.libraries': {
    method: 'GET',
    path: '/api/tape/libraries',
    response: z.object({ libraries: z.array(TapeLibrarySchema) }),
  },
  'tape.library': { method: 'GET', path: '/api/tape/libraries/:serial', response: LibraryInventorySchema },
  'tape.drives': {
    method: 'GET',
    path: '/api/tape/drives',
    response: z.object({ drives: z.array(TapeDriveSchema) }),
  },
  'tape.drive': { method: 'GET', path: '/api/tape/drives/:serial', response: TapeDriveSchema },
  'tape.refresh': {
    method: 'POST',
    path: '/api/tape/refresh',
    response: z.object({ libraries: z.array(TapeLibrarySchema), drives: z.array(TapeDriveSchema) }),
  },
  'tape.mount': {
    method: 'POST',
    path: '/api/tape/libraries/:serial/mount',
    body: MountRequestSchema,
    response: MoveResultSchema,
  },
  'tape.unmount': {
    method: 'POST',
    path: '/api/tape/libraries/:serial/unmount',
    body: UnmountRequestSchema,
    response: MoveResultSchema,
  },
  'tape.pools': {
    method: 'GET',
    path: '/api/tape/pools',
    query: PoolListQuerySchema,
    response: z.object({ pools: z.array(TapePoolSchema) }),
  },
  'tape.createPool': {
    method: 'POST',
    path: '/api/tape/libraries/:serial/pools',
    body: CreatePoolRequestSchema,
    response: TapePoolSchema,
  },
  'tape.librarySettings': {
    method: 'PATCH',
    path: '/api/tape/libraries/:serial/settings',
    body: LibrarySettingsSchema,
    response: LibrarySettingsSchema,
  },
  'tape.cartridges': {
    method: 'GET',
    path: '/api/tape/cartridges',
    query: CartridgeListQuerySchema,
    response: CartridgePageSchema,
  },
  'tape.cartridge': { method: 'GET', path: '/api/tape/cartridges/:barcode', response: CartridgeSchema },
  'tape.enroll': {
    method: 'POST',
    path: '/api/tape/enrollments',
    body: EnrollmentRequestSchema,
    response: z.object({ preview: EnrollmentPreviewSchema, job: JobSchema.nullable() }),
  },
  'tape.cartridgeMount': {
    method: 'POST',
    path: '/api/tape/cartridges/:barcode/mount',
    body: CartridgeMountRequestSchema,
    response: CartridgeMountResultSchema,
  },
  'tape.cartridgeScratch': {
    method: 'POST',
    path: '/api/tape/cartridges/:barcode/scratch',
    response: z.object({ state: z.string() }),
  },
  'tape.cartridgeRetire': {
    method: 'POST',
    path: '/api/tape/cartridges/:barcode/retire',
    response: z.object({ state: z.string() }),
  },
  'tape.verify': {
    method: 'POST',
    path: '/api/tape/verifications',
    body: VerificationRequestSchema,
    response: JobSchema,
  },
  'erase.list': {
    method: 'GET',
    path: '/api/erase/requests',
    response: z.object({ requests: z.array(EraseRequestSchema) }),
  },
  'erase.get': { method: 'GET', path: '/api/erase/requests/:id', response: EraseRequestDetailSchema },
  'erase.create': {
    method: 'POST',
    path: '/api/erase/requests',
    body: CreateEraseRequestSchema,
    response: EraseRequestSchema,
  },
  'erase.cancel': { method: 'POST', path: '/api/erase/requests/:id/cancel', response: EraseRequestSchema },
  'erase.psidRevert': {
    method: 'POST',
    path: '/api/erase/requests/:id/items/:itemId/psid-revert',
    body: PsidRevertSchema,
    response: EraseItemSchema,
  },
  'jobs.list': {
    method: 'GET',
    path: '/api/jobs',
    query: JobListQuerySchema,
    response: z.object({ jobs: z.array(JobSchema) }),
  },
  'jobs.get': { method: 'GET', path: '/api/jobs/:id', response: JobSchema },
  'jobs.cancel': { method: 'POST', path: '/api/jobs/:id/cancel', response: JobSchema },
  'certificates.list': {
    method: 'GET',
    path: '/api/certificates',
    query: CertificateListQuerySchema,
    response: CertificatePageSchema,
  },
  'certificates.signingKey': {
    method: 'GET',
    path: '/api/certificates/signing-key',
    response: SigningKeySchema,
  },
  'certificates.get': {
    method: 'GET',
    path: '/api/certificates/:id',
    query: CertificateGetQuerySchema,
    response: SignedCertificateSchema,
  },
  /** A printable HTML page (not JSON): open it in a browser tab, do not `api.call` it. */
  'certificates.print': { method: 'GET', path: '/api/certificates/:id/print' },
} as const satisfies Record<string, RouteSpec>;

export type ApiName = keyof typeof API;
