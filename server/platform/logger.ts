import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Field names that may carry a secret anywhere in a log object. Redaction is by name, at any
 * of the first four levels, so a secret is hidden however deeply a caller nested it. The
 * second line of defence is that code never logs request bodies, argv or driver payloads.
 */
export const SECRET_FIELD_NAMES = [
  'password',
  'newPassword',
  'currentPassword',
  'adminPassword',
  'passwordHash',
  'pin',
  'soPin',
  'userPin',
  'key',
  'keyMaterial',
  'plaintext',
  'secret',
  'token',
  'sessionToken',
  'csrfToken',
  'wrapped',
  'wrappedKey',
  'credential',
  'sid',
  'admin1',
  'psid',
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'databaseUrl',
] as const;

export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const name of SECRET_FIELD_NAMES) {
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`;
    const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
    paths.push(key.startsWith('[') ? key.slice(2, -2) : key);
    paths.push(join('*'), join('*.*'), join('*.*.*'));
  }
  return paths;
}

export function createLogger(opts: { level: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: opts.level,
      base: { app: 'lockwarden' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
