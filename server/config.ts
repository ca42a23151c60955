import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Log levels pino knows; `silent` for tests. */
const LogLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * The whole configuration. Every key has a default that suits `npm start` on a laptop, so a
 * new user needs none of them. Secrets (admin password, HSM PIN) are never taken from a JSON
 * file that may be committed; they come from the environment or from files named here.
 */
export const ConfigSchema = z.strictObject({
  dataDir: z.string().min(1).default('./data'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** `postgres://…` selects PostgreSQL; absent means SQLite in the data directory. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  logLevel: LogLevelSchema.default('info'),
  scenario: z.enum(['small-lab', 'datacenter', 'none']).default('small-lab'),
  /** Set cookies with `Secure`: turn on whenever the console is reached over HTTPS. */
  secureCookies: z.boolean().default(false),
  /** Express `trust proxy`: only when a reverse proxy you control sets X-Forwarded-For. */
  trustProxy: z.boolean().default(false),
  bodyLimitBytes: z.coerce.number().int().min(1024).max(10_485_760).default(102_400),
  session: z
    .strictObject({
      idleTimeoutMinutes: z.coerce.number().int().min(1).max(1440).default(30),
      absoluteTimeoutHours: z.coerce.number().int().min(1).max(168).default(12),
    })
    .default({ idleTimeoutMinutes: 30, absoluteTimeoutHours: 12 }),
  loginLimits: z
    .strictObject({
      failuresPerUser: z.coerce.number().int().min(1).max(1000).default(5),
      attemptsPerAddress: z.coerce.number().int().min(1).max(10000).default(30),
      windowMinutes: z.coerce.number().int().min(1).max(1440).default(15),
    })
    .default({ failuresPerUser: 5, attemptsPerAddress: 30, windowMinutes: 15 }),
  drivers: z
    .strictObject({
      hsm: z
        .strictObject({
          kind: z.enum(['softhsm', 'pkcs11']).default('softhsm'),
          modulePath: z.string().optional(),
          tokenLabel: z.string().min(1).max(32).default('lockwarden'),
          pinFile: z.string().optional(),
        })
        .default({ kind: 'softhsm', tokenLabel: 'lockwarden' }),
      sed: z
        .strictObject({
          kind: z.enum(['sim', 'real']).default('sim'),
          /** The sedutil-cli binary on real hosts. */
          sedutilPath: z.string().min(1).default('/usr/sbin/sedutil-cli'),
          /** Label of this host in the inventory (real drives); default the machine's hostname. */
          host: z.string().min(1).max(100).optional(),
          /** sedutil processes at once across drives ("unlock all" concurrency). */
          maxConcurrent: z.coerce.number().int().min(1).max(256).default(16),
        })
        .default({ kind: 'sim', sedutilPath: '/usr/sbin/sedutil-cli', maxConcurrent: 16 }),
      tape: z
        .strictObject({
          /**
           * `sim`: the scenario's LTO drive and changer emulators in this process (state in the
           * data directory); `socket`: emulators served by `npm run sims -- serve` in another
           * process (`socketDir` holds their sockets and devices.json); `real`: SG_IO devices.
           */
          kind: z.enum(['sim', 'socket', 'real']).default('sim'),
          socketDir: z.string().min(1).optional(),
          /** Real tape drives (`/dev/sgN` preferred, or `/dev/nstN`). */
          drives: z
            .array(z.string().regex(/^\/dev\//, 'must be a /dev path'))
            .max(512)
            .default([]),
          /** Real media changers (`/dev/sgN` or `/dev/schN`). */
          changers: z
            .array(z.string().regex(/^\/dev\//, 'must be a /dev path'))
            .max(64)
            .default([]),
          /** How often libraries and drives are re-read for the live views. */
          pollSeconds: z.coerce.number().int().min(1).max(3600).default(10),
        })
        .refine((t) => t.kind !== 'socket' || t.socketDir !== undefined, {
          message: 'kind "socket" needs socketDir (where `npm run sims -- serve` put the sockets)',
          path: ['socketDir'],
        })
        .refine((t) => t.kind !== 'real' || t.drives.length + t.changers.length > 0, {
          message: 'kind "real" needs at least one device in drives or changers',
          path: ['drives'],
        })
        .default({ kind: 'sim', drives: [], changers: [], pollSeconds: 10 }),
    })
    .default({
      hsm: { kind: 'softhsm', tokenLabel: 'lockwarden' },
      sed: { kind: 'sim', sedutilPath: '/usr/sbin/sedutil-cli', maxConcurrent: 16 },
      tape: { kind: 'sim', drives: [], changers: [], pollSeconds: 10 },
    }),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable → config path. Values are strings; the schema coerces them. */
export const ENV_KEYS: Record<string, string> = {
  LOCKWARDEN_DATA_DIR: 'dataDir',
  LOCKWARDEN_HOST: 'host',
  LOCKWARDEN_PORT: 'port',
  DATABASE_URL: 'databaseUrl',
  LOCKWARDEN_LOG_LEVEL: 'logLevel',
  LOCKWARDEN_SCENARIO: 'scenario',
  LOCKWARDEN_SECURE_COOKIES: 'secureCookies',
  LOCKWARDEN_TRUST_PROXY: 'trustProxy',
  LOCKWARDEN_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  LOCKWARDEN_SESSION_IDLE_MINUTES: 'session.idleTimeoutMinutes',
  LOCKWARDEN_HSM_KIND: 'drivers.hsm.kind',
  LOCKWARDEN_HSM_MODULE: 'drivers.hsm.modulePath',
  LOCKWARDEN_HSM_TOKEN_LABEL: 'drivers.hsm.tokenLabel',
  LOCKWARDEN_HSM_PIN_FILE: 'drivers.hsm.pinFile',
  LOCKWARDEN_SED_KIND: 'drivers.sed.kind',
  LOCKWARDEN_SEDUTIL_PATH: 'drivers.sed.sedutilPath',
  LOCKWARDEN_SED_HOST: 'drivers.sed.host',
  LOCKWARDEN_TAPE_KIND: 'drivers.tape.kind',
  LOCKWARDEN_TAPE_SOCKET_DIR: 'drivers.tape.socketDir',
  LOCKWARDEN_TAPE_POLL_SECONDS: 'drivers.tape.pollSeconds',
};

/** Keys whose values must never be echoed in an error message. */
const SECRET_PATHS = new Set(['databaseUrl']);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node[part] = typeof next === 'object' && next !== null ? next : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

function getPath(source: unknown, parts: readonly PropertyKey[]): unknown {
  let node = source;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** Booleans from the environment: only the obvious spellings, so a typo is an error. */
function envValue(dotted: string, raw: string): unknown {
  if (dotted === 'secureCookies' || dotted === 'trustProxy') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return raw; // fails validation with the value named
  }
  return raw;
}

/**
 * Build the configuration from an optional JSON file (`LOCKWARDEN_CONFIG`) overlaid by the
 * environment. Throws ConfigError naming every bad key, where it came from and its value.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  readFile = (p: string) => readFileSync(p, 'utf8'),
): Config {
  let fromFile: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  const file = env.LOCKWARDEN_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFile(file));
    } catch (err) {
      throw new ConfigError(`Cannot read configuration file ${file}: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`Configuration file ${file} must hold a JSON object`);
    }
    fromFile = parsed as Record<string, unknown>;
  }
  const merged = structuredClone(fromFile);
  for (const [name, dotted] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(merged, dotted, envValue(dotted, raw));
    origin.set(dotted, name);
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const dotted = issue.path.join('.');
      const source = origin.get(dotted) ?? (file ? `${file}` : 'default');
      const value = SECRET_PATHS.has(dotted) ? '(hidden)' : JSON.stringify(getPath(merged, issue.path));
      return `  ${dotted || '(root)'} from ${source} = ${value ?? 'undefined'}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration, nothing was started:\n${lines.join('\n')}`);
  }
  const config = result.data;
  return { ...config, dataDir: path.resolve(config.dataDir) };
}
