import type { Generated } from 'kysely';

/** Kysely's view of the tables. Booleans are 0/1 integers and times ISO-8601 UTC text on both dialects. */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  must_change_password: number;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  address: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  prefix: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditEventsTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  request_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** One row (id = 1): the chain head, locked by every append so that appends serialise. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface MetaTable {
  key: string;
  value: string;
  updated_at: Generated<string>;
}

export interface DatabaseSchema {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  meta: MetaTable;
  jobs: JobsTable;
  key_domains: KeyDomainsTable;
  kek_versions: KekVersionsTable;
  managed_secrets: ManagedSecretsTable;
  approvals: ApprovalsTable;
  approval_votes: ApprovalVotesTable;
  approval_policies: ApprovalPoliciesTable;
  audit_seals: AuditSealsTable;
  sed_drives: SedDrivesTable;
  tape_libraries: TapeLibrariesTable;
  tape_pools: TapePoolsTable;
  tape_keys: TapeKeysTable;
  tape_cartridges: TapeCartridgesTable;
  erase_requests: EraseRequestsTable;
  erase_items: EraseItemsTable;
  certificates: CertificatesTable;
}

export interface JobsTable {
  id: string;
  kind: string;
  state: string;
  params: string;
  cursor: string | null;
  done: number;
  total: number;
  failed_items: number;
  error_code: string | null;
  error_message: string | null;
  created_by: string;
  created_at: string;
  run_after: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  owner: string | null;
  heartbeat_at: string | null;
  cancel_requested: number;
  attempts: number;
}

export interface KeyDomainsTable {
  id: string;
  description: string;
  purpose: string;
  rotation_period_days: number | null;
  active_kek_version: number;
  created_at: string;
  updated_at: string;
  last_rotated_at: string | null;
}

export interface KekVersionsTable {
  domain_id: string;
  version: number;
  hsm_label: string;
  state: string;
  created_at: string;
  deactivated_at: string | null;
  destroyed_at: string | null;
}

export interface ManagedSecretsTable {
  id: string;
  domain_id: string;
  kind: string;
  state: string;
  wrapped: string | null;
  wrap_alg: string;
  kek_version: number;
  kcv: string;
  owner_ref: string | null;
  created_at: string;
  state_changed_at: string;
  activated_at: string | null;
  suspended_at: string | null;
  deactivated_at: string | null;
  compromised_at: string | null;
  destroyed_at: string | null;
}

export interface ApprovalsTable {
  id: string;
  action: string;
  target: string;
  params: string;
  state: string;
  requested_by: string;
  requested_at: string;
  reason: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  expires_at: string;
  executed_at: string | null;
  consumed_at: string | null;
  required_approvers: Generated<number>;
  valid_hours: Generated<number>;
}

export interface ApprovalVotesTable {
  approval_id: string;
  approver: string;
  voted_at: string;
  note: string;
}

export interface ApprovalPoliciesTable {
  action: string;
  approvers: number;
  expiry_hours: number;
  updated_by: string;
  updated_at: string;
}

export interface AuditSealsTable {
  seq: number;
  hash: string;
  mac: string;
  key_label: string;
  sealed_at: string;
}

export interface SedDrivesTable {
  id: string;
  serial: string;
  host: string;
  device_path: string;
  model: string;
  firmware: string;
  transport: string;
  ssc: string;
  status: string;
  state: string;
  step: string | null;
  password_scheme: string;
  sid_secret_id: string | null;
  admin1_secret_id: string | null;
  pending_sid_secret_id: string | null;
  pending_admin1_secret_id: string | null;
  last_error: string | null;
  last_seen_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TapeLibrariesTable {
  serial: string;
  name: string;
  key_domain_id: string;
  vendor: string;
  product: string;
  auto_enroll_imports: number;
  created_at: string;
  updated_at: string;
}

export interface TapePoolsTable {
  id: string;
  library_serial: string;
  name: string;
  volser_from: string;
  volser_to: string;
  media_id: string | null;
  key_policy: string;
  key_period_days: number | null;
  current_key_ref: string | null;
  current_key_until: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface TapeKeysTable {
  key_ref: string;
  secret_id: string;
  library_serial: string;
  pool_id: string | null;
  barcode: string | null;
  created_at: string;
}

export interface TapeCartridgesTable {
  barcode: string;
  library_serial: string;
  pool_id: string;
  state: string;
  key_ref: string;
  enrolled_at: string;
  last_mounted_at: string | null;
  last_verified_at: string | null;
  verify_result: string | null;
  updated_at: string;
}

export interface EraseRequestsTable {
  id: string;
  method: string;
  range_no: number | null;
  reason: string;
  schedule: string;
  state: string;
  requested_by: string;
  approval_id: string;
  approved_by: string | null;
  run_at: string | null;
  job_id: string | null;
  item_count: number;
  created_at: string;
  updated_at: string;
}

export interface EraseItemsTable {
  id: string;
  request_id: string;
  seq: number;
  item_ref: string;
  identity: string;
  description: string;
  state: string;
  result: string | null;
  certificate_id: string | null;
  updated_at: string;
}

/** Certificates of sanitization: `document` and `signature` are JSON text, stored as signed. */
export interface CertificatesTable {
  id: string;
  item_ref: string;
  item_id: string;
  request_id: string;
  issued_at: string;
  document: string;
  signature: string;
}
