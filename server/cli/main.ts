/**
 * `npx lockwarden …`: the command line over the same services and checks as the console.
 * It reads the same configuration (environment, LOCKWARDEN_CONFIG) and data directory.
 */
import path from 'node:path';
import { buildServices } from '../compose.ts';
import { CERT_VERIFY_USAGE, runCertVerify } from './cert-verify.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openStore } from '../db/store.ts';
import { createLogger } from '../platform/logger.ts';
import { openHsm } from '../registry/hsm-factory.ts';

const USAGE = `Usage: lockwarden <command>

Commands:
  audit verify [--json]   Check the audit trail's hash chain and its HSM seals.
                          Exit status 0 when intact, 1 when tampering is found.
  audit seal              Seal the current head of the audit chain with the HSM now.
  keys domains [--json]   List key domains with their KEK versions and secret counts.
  ${CERT_VERIFY_USAGE}
                          Check a certificate of sanitization offline (no database, no HSM).
                          Exit status 0 and "valid" when its signature verifies (with the
                          pinned key when --key is given), 1 with the reasons otherwise.
  help                    Show this text.

The command uses the console's configuration: LOCKWARDEN_DATA_DIR, DATABASE_URL, … (see README).`;

async function run(argv: string[]): Promise<number> {
  const [area, action, ...rest] = argv;
  const json = rest.includes('--json');
  if (!area || area === 'help' || area === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (area === 'cert' && action === 'verify') {
    return runCertVerify(rest, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  }
  const known = new Set(['audit verify', 'audit seal', 'keys domains']);
  if (!known.has(`${area} ${action ?? ''}`)) {
    process.stderr.write(`Unknown command: ${argv.join(' ')}\n\n${USAGE}\n`);
    return 2;
  }
  process.umask(0o077);
  const config = loadConfig(process.env);
  const logger = createLogger({ level: process.env.LOCKWARDEN_LOG_LEVEL ?? 'warn' }, process.stderr);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, 'lockwarden.db'),
  });
  const hsm = await openHsm(config, logger);
  try {
    const services = buildServices({ config, store, hsm, logger });
    if (area === 'audit' && action === 'verify') {
      const result = await services.seals.verify();
      process.stdout.write(
        json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `${result.ok ? 'OK' : 'TAMPERED'}: ${result.message}\n`,
      );
      return result.ok ? 0 : 1;
    }
    if (area === 'audit' && action === 'seal') {
      await services.seals.ensureKey();
      const seq = await services.seals.sealNow();
      process.stdout.write(
        seq === null
          ? 'Nothing to seal: the audit trail is empty.\n'
          : `Sealed the audit chain at record ${seq}.\n`,
      );
      return 0;
    }
    const domains = await services.domains.list();
    if (json) {
      process.stdout.write(`${JSON.stringify(domains, null, 2)}\n`);
    } else {
      for (const d of domains) {
        const keks = d.keks.map((k) => `v${k.version} ${k.state} (${k.secretCount})`).join(', ');
        process.stdout.write(`${d.id}\t${d.purpose}\tactive v${d.activeKekVersion}\tKEKs: ${keks}\n`);
      }
    }
    return 0;
  } finally {
    await hsm.close();
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `lockwarden: ${err instanceof Error ? err.message : String(err)}`}\n`,
    );
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
