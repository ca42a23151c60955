import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { initialMigration } from './0001-initial.ts';
import { jobsMigration } from './0002-jobs.ts';
import { keysMigration } from './0003-keys.ts';
import { sedDrivesMigration } from './0004-sed-drives.ts';
import { approvalConsumedMigration } from './0005-approval-consumed.ts';
import { auditTargetIndexMigration } from './0006-audit-target-index.ts';
import { tapeCartridgesMigration } from './0007-tape-cartridges.ts';
import { certificatesMigration } from './0008-certificates.ts';
import { eraseMigration } from './0009-erase.ts';
import { approvalPolicyMigration } from './0010-approval-policy.ts';

/**
 * Migrations are TypeScript objects listed here in order, not files found at run time, so
 * the set that runs is exactly the set that was reviewed. Names sort in order; never rename.
 */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initialMigration(dialect),
    '0002-jobs': jobsMigration(dialect),
    '0003-keys': keysMigration(dialect),
    '0004-sed-drives': sedDrivesMigration(),
    '0005-approval-consumed': approvalConsumedMigration(),
    '0006-audit-target-index': auditTargetIndexMigration(),
    '0007-tape-cartridges': tapeCartridgesMigration(),
    '0008-certificates': certificatesMigration(),
    '0009-erase': eraseMigration(),
    '0010-approval-policy': approvalPolicyMigration(),
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}
