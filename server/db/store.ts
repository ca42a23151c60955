import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Repositories, Store, TxContext } from '../domain/repositories.ts';
import type { Dialect } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';
import { KyselyApiTokenRepository } from './repositories/api-tokens.repository.ts';
import { KyselyAuditRepository } from './repositories/audit.repository.ts';
import { KyselyJobRepository } from './repositories/jobs.repository.ts';
import { KyselyApprovalRepository } from './repositories/approvals.repository.ts';
import { KyselyApprovalPolicyRepository } from './repositories/approval-policies.repository.ts';
import { KyselyAuditSealRepository } from './repositories/audit-seals.repository.ts';
import { KyselyKeyDomainRepository } from './repositories/key-domains.repository.ts';
import { KyselyManagedSecretRepository } from './repositories/managed-secrets.repository.ts';
import { KyselySedDriveRepository } from './repositories/sed-drives.repository.ts';
import { KyselyTapeRepository } from './repositories/tape.repository.ts';
import { KyselyEraseRepository } from './repositories/erase.repository.ts';
import { KyselyCertificateRepository } from './repositories/certificates.repository.ts';
import { KyselySessionRepository } from './repositories/sessions.repository.ts';
import { KyselyUserRepository } from './repositories/users.repository.ts';
import type { DatabaseSchema } from './schema.ts';

// int8 (COUNT, bigint columns) arrives as a string by default; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface OpenStoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise SQLite at `sqlitePath`. */
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
}

function repositories(db: Kysely<DatabaseSchema>, dialect: Dialect, inTransaction: boolean): Repositories {
  return {
    users: new KyselyUserRepository(db),
    sessions: new KyselySessionRepository(db),
    apiTokens: new KyselyApiTokenRepository(db),
    audit: new KyselyAuditRepository(db, dialect, inTransaction),
    jobs: new KyselyJobRepository(db, dialect),
    keyDomains: new KyselyKeyDomainRepository(db),
    secrets: new KyselyManagedSecretRepository(db),
    approvals: new KyselyApprovalRepository(db),
    approvalPolicies: new KyselyApprovalPolicyRepository(db),
    auditSeals: new KyselyAuditSealRepository(db),
    sedDrives: new KyselySedDriveRepository(db),
    tape: new KyselyTapeRepository(db),
    erase: new KyselyEraseRepository(db),
    certificates: new KyselyCertificateRepository(db),
  };
}

function createKysely(opts: OpenStoreOptions): { db: Kysely<DatabaseSchema>; dialect: Dialect } {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection the server drops (restart, failover) must not crash the process; the
    // pool replaces it and the next query reports any real outage.
    pool.on('error', () => undefined);
    return {
      db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
    };
  }
  if (!opts.sqlitePath) throw new Error('openStore needs databaseUrl or sqlitePath');
  if (opts.sqlitePath !== ':memory:')
    mkdirSync(path.dirname(opts.sqlitePath), { recursive: true, mode: 0o700 });
  const database = new BetterSqlite3(opts.sqlitePath);
  // Keys live here: WAL for concurrent readers, synchronous=FULL so an acknowledged commit
  // survives power loss (durability over speed), foreign keys on, and a busy timeout so a
  // second process (the CLI) waits instead of failing.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return { db: new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite' };
}

export async function migrateToLatest(db: Kysely<DatabaseSchema>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}

/** Opens the database, migrates it, and returns the storage port the services use. */
export async function openStore(opts: OpenStoreOptions): Promise<Store & { kysely: Kysely<DatabaseSchema> }> {
  const { db, dialect } = createKysely(opts);
  try {
    if (opts.migrate !== false) await migrateToLatest(db, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    dialect,
    kysely: db,
    ...repositories(db, dialect, false),
    async transaction<T>(fn: (tx: TxContext) => Promise<T>): Promise<T> {
      const after: (() => void)[] = [];
      const result = await db
        .transaction()
        .execute((trx) => fn({ ...repositories(trx, dialect, true), afterCommit: (cb) => after.push(cb) }));
      for (const cb of after) cb();
      return result;
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
