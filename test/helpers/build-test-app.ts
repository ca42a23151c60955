import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { Role } from '../../shared/schemas/auth.ts';
import { createApp } from '../../server/app.ts';
import { buildServices } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/db/store.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { DeviceRegistry } from '../../server/registry/device-registry.ts';
import type { ServicesHsm } from '../../server/compose.ts';
import { MemoryHsm } from './memory-hsm.ts';
import { sedFleetOf, type SedFleet, type SedPort } from '../../server/services/sed/sed-port.ts';
import type { TapeFleetPort } from '../../server/services/tape/tape-port.ts';
import type { Clock } from '../../server/platform/clock.ts';

/** Cheap scrypt for tests: the real cost is exercised by the password-hasher test. */
export const TEST_SCRYPT_COST = { N: 2 ** 10, r: 8, p: 1 };
export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestAppOptions {
  env?: Record<string, string>;
  databaseUrl?: string;
  clientDistDir?: string;
  /** Defaults to MemoryHsm; API tests of the HSM path pass a SoftHSM-backed driver. */
  hsm?: ServicesHsm;
  /** A SED port (MemorySed, or the real driver on the simulator). */
  sed?: SedPort;
  /** Several hosts' SED ports (the real driver on the simulator). */
  sedFleet?: SedFleet;
  /** Tape drives and libraries (the real drivers over the emulators). */
  tape?: TapeFleetPort;
  /** A clock the test moves (scheduled work); default the system clock. */
  clock?: Clock;
  /** How often open sockets are checked against their sessions. */
  socketRecheckMs?: number;
}

/**
 * The real app (real services, real SQLite or PostgreSQL store, real middleware) with its log
 * captured in memory so that tests can search it for secrets.
 */
export async function buildTestApp(opts: TestAppOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-app-'));
  const config = loadConfig({
    LOCKWARDEN_DATA_DIR: dir,
    LOCKWARDEN_LOG_LEVEL: 'info',
    LOCKWARDEN_SCENARIO: 'small-lab',
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug' }, sink);
  const store = await openStore({
    databaseUrl: opts.databaseUrl,
    sqlitePath: path.join(dir, 'lockwarden.db'),
  });
  const registry = new DeviceRegistry(config);
  if (opts.sed || opts.sedFleet)
    registry.setSed(async () => (await store.sedDrives.list({ limit: 1, offset: 0 })).total);
  registry.addReadinessCheck({ name: 'database', check: () => store.ping() });
  const hsm = opts.hsm ?? new MemoryHsm();
  const services = buildServices({
    config,
    store,
    hsm,
    logger,
    scryptCost: TEST_SCRYPT_COST,
    jobRunner: { pollMs: 20 },
    eraseRetryDelaysMs: [20, 50],
    sed: opts.sedFleet ?? (opts.sed && sedFleetOf(new Map([['lab-host-1', opts.sed]]))),
    tape: opts.tape,
    ...(opts.clock && { clock: opts.clock }),
  });
  if (opts.tape) registry.setTape(() => services.tape?.inventory.count() ?? { drives: 0, libraries: 0 });
  await services.users.ensureInitialAdmin(ADMIN_PASSWORD);
  await services.seals.ensureKey();
  await services.domains.ensureDefaults();
  services.jobs.start();
  const built = createApp({
    config,
    logger,
    store,
    registry,
    services,
    clientDistDir: opts.clientDistDir ?? path.join(dir, 'no-client'),
    ...(opts.socketRecheckMs !== undefined && { socketRecheckMs: opts.socketRecheckMs }),
  });

  /** Logs in with a cookie-keeping agent; returns it with the CSRF token. */
  async function login(username = 'admin', password = ADMIN_PASSWORD) {
    const agent = request.agent(built.app);
    const res = await agent.post('/api/auth/login').send({ username, password }).expect(200);
    return {
      agent,
      csrf: (res.body as { csrfToken: string }).csrfToken,
      body: res.body as Record<string, unknown>,
    };
  }

  /** Creates a user with a role directly through the service, already past the password change. */
  async function createUser(username: string, role: Role, password = `${username}-password-123`) {
    const admin = await store.users.findByUsername('admin');
    if (!admin) throw new Error('no admin');
    const meta = { requestId: 'test', address: '127.0.0.1', userAgent: null };
    const user = await services.users.create(
      { user: admin, via: 'session' },
      { username, role, password },
      meta,
    );
    await store.users.update(user.id, { mustChangePassword: false });
    return { ...user, password };
  }

  async function close() {
    await services.jobs.stop();
    await built.io.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  return { ...built, config, store, services, registry, hsm, logs, dir, login, createUser, close };
}

export type TestApp = Awaited<ReturnType<typeof buildTestApp>>;
