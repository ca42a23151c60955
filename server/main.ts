/**
 * The composition root: the only file that reads the environment. It loads the config,
 * opens the database, builds drivers, services and the app, and listens.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app.ts';
import { buildServices } from './compose.ts';
import { consoleName } from './platform/console-name.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openStore } from './db/store.ts';
import { PasswordSchema } from '../shared/schemas/auth.ts';
import { createLogger } from './platform/logger.ts';
import { DeviceRegistry } from './registry/device-registry.ts';
import { openHsm } from './registry/hsm-factory.ts';
import { openSedFleet } from './registry/sed-factory.ts';
import { openTapeFleet } from './registry/tape-factory.ts';

const SESSION_SWEEP_MS = 10 * 60_000;
/** How often the audit chain head is sealed with the HSM (when anything was appended). */
const AUDIT_SEAL_MS = 30_000;
/** How often the SED fleet is rediscovered (drives come, go and change paths). */
const SED_DISCOVERY_MS = 5 * 60_000;
/** How often due KEK rotations are looked for. */
const ROTATION_CHECK_MS = 60_000;
/** Pending approvals past their window are expired (and audited) within a minute. */
const APPROVAL_EXPIRY_CHECK_MS = 60_000;

function readConfig(): { config: Config; adminPassword: string | undefined } {
  try {
    const config = loadConfig(process.env);
    const adminPassword = process.env.LOCKWARDEN_ADMIN_PASSWORD || undefined;
    if (adminPassword !== undefined && !PasswordSchema.safeParse(adminPassword).success) {
      throw new ConfigError(
        'Invalid configuration, nothing was started:\n  LOCKWARDEN_ADMIN_PASSWORD = (hidden): at least 12 characters',
      );
    }
    return { config, adminPassword };
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

function printOneTimePassword(password: string): void {
  const line = '='.repeat(72);
  process.stdout.write(
    `\n${line}\n  First start: created the account "admin" with this one-time password:\n\n` +
      `      ${password}\n\n  It is shown only now. You must change it at first login.\n${line}\n\n`,
  );
}

async function main(): Promise<void> {
  const { config, adminPassword } = readConfig();
  // Everything the console writes (database, WAL, token store, PIN files) is owner-only.
  process.umask(0o077);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = createLogger({ level: config.logLevel });

  const store = await openStore({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, 'lockwarden.db'),
  });
  const registry = new DeviceRegistry(config);
  registry.addReadinessCheck({ name: 'database', check: () => store.ping() });
  const hsm = await openHsm(config, logger);
  registry.setHsm(hsm);

  const sed = await openSedFleet(config, logger);
  registry.setSed(async () => (await store.sedDrives.list({ limit: 1, offset: 0 })).total);
  registry.onClose(async () => {
    for (const driver of sed.drivers) await driver.close();
  });

  const tape = await openTapeFleet(config);
  registry.onClose(() => tape.close());

  const services = buildServices({
    config,
    store,
    hsm,
    logger,
    sed: sed.fleet,
    tape: tape.port,
    consoleName: consoleName(config.dataDir),
  });
  registry.setTape(() => services.tape?.inventory.count() ?? { drives: 0, libraries: 0 });
  registry.addReadinessCheck({ name: 'hsm', check: () => services.hsmStatus.check() });
  const created = await services.users.ensureInitialAdmin(adminPassword);
  if (created?.oneTimePassword) printOneTimePassword(created.oneTimePassword);
  await services.seals.ensureKey();
  await services.domains.ensureDefaults();
  // Jobs that resume after a restart (enrollment, verification, erase) find the tape estate
  // read: libraries and drives are known by the serial they report, not before.
  await Promise.race([
    services.tape?.inventory.refresh() ?? Promise.resolve(),
    new Promise((resolve) => setTimeout(resolve, 15_000).unref()),
  ]);
  hsm.prepareBulk?.();
  services.jobs.start();

  const { httpServer, io } = createApp({ config, logger, store, registry, services });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info(
    { port, dialect: store.dialect, dataDir: config.dataDir, scenario: config.scenario },
    'started',
  );
  process.stdout.write(`Lockwarden is listening on http://${host}:${port}\n`);

  const sweep = setInterval(() => {
    const now = new Date();
    const idleCutoff = new Date(now.getTime() - config.session.idleTimeoutMinutes * 60_000);
    store.sessions
      .deleteExpired(now.toISOString(), idleCutoff.toISOString())
      .catch((err: unknown) => logger.warn({ err }, 'session sweep failed'));
  }, SESSION_SWEEP_MS);
  sweep.unref();
  const background = (what: string, fn: () => Promise<unknown>) => () => {
    fn().catch((err: unknown) => logger.warn({ err }, `${what} failed`));
  };
  const seal = setInterval(
    background('audit seal', () => services.seals.sealNow()),
    AUDIT_SEAL_MS,
  );
  seal.unref();
  const rotations = setInterval(
    background('rotation schedule', () => services.keks.scheduleDueRotations()),
    ROTATION_CHECK_MS,
  );
  rotations.unref();
  background('rotation schedule', () => services.keks.scheduleDueRotations())();
  const expiries = setInterval(
    background('approval expiry', () => services.approvals.expireDue()),
    APPROVAL_EXPIRY_CHECK_MS,
  );
  expiries.unref();
  const discovery = setInterval(
    background('SED discovery', () => services.sed?.inventory.discover('system', null) ?? Promise.resolve()),
    SED_DISCOVERY_MS,
  );
  discovery.unref();
  background('SED discovery', () => services.sed?.inventory.discover('system', null) ?? Promise.resolve())();
  // Libraries and drives are re-read often: a door opening or a cartridge moved by another
  // host shows up on the dashboards within one interval.
  const tapePoll = setInterval(
    background('tape refresh', () => services.tape?.inventory.refresh() ?? Promise.resolve()),
    config.drivers.tape.pollSeconds * 1000,
  );
  tapePoll.unref();
  background('tape refresh', () => services.tape?.inventory.refresh() ?? Promise.resolve())();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    clearInterval(sweep);
    clearInterval(seal);
    clearInterval(rotations);
    clearInterval(expiries);
    clearInterval(discovery);
    clearInterval(tapePoll);
    void services.jobs
      .stop()
      .then(() => services.seals.sealNow())
      .then(() => io.close())
      .then(() => registry.close())
      .then(() => hsm.close())
      .then(() => store.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Lockwarden failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && err.cause instanceof Error)
    process.stderr.write(`  cause: ${err.cause.message}\n`);
  process.exit(1);
});
