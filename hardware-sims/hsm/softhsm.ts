import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * An isolated SoftHSM2 token store (ARCHITECTURE.md §4): its own softhsm2.conf and token dir
 * under `dir`, nothing under /etc/softhsm or /var/lib/softhsm. SoftHSM2 is a real PKCS#11
 * module, so the real Pkcs11HsmDriver runs against it unchanged.
 */
export interface SoftHsmToken {
  confPath: string;
  modulePath: string;
  tokenLabel: string;
  /** User PIN, mode 0600. */
  pinFile: string;
  soPinFile: string;
  /** Pass as the driver's `env`: SoftHSM reads it in C_Initialize. */
  env: { SOFTHSM2_CONF: string };
}

export interface EnsureSoftHsmTokenOptions {
  dir: string;
  tokenLabel: string;
}

const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

export function findSoftHsmModule(): string {
  const found = MODULE_CANDIDATES.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `libsofthsm2.so not found (looked in ${MODULE_CANDIDATES.join(', ')}); install it with: apt-get install softhsm2`,
    );
  return found;
}

const conf = (tokenDir: string) =>
  [
    `directories.tokendir = ${tokenDir}`,
    'objectstore.backend = file',
    'log.level = ERROR',
    'slots.removable = false',
    'slots.mechanisms = ALL',
    'library.reset_on_fork = false',
    '',
  ].join('\n');

/** Write-then-rename so a crash never leaves a half-written PIN or config. */
async function writePrivate(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}

/** Tokens with the label, as softhsm2-util sees them (it also explains C_Initialize failures). */
async function countTokens(confPath: string, tokenLabel: string): Promise<number> {
  const { stdout } = await run('softhsm2-util', ['--show-slots'], {
    env: { ...process.env, SOFTHSM2_CONF: confPath },
  });
  return [...stdout.matchAll(/^\s*Label:\s*(.*?)\s*$/gm)].filter((m) => m[1] === tokenLabel).length;
}

/**
 * Two processes starting on a fresh data dir (the console and the CLI) must not both initialise
 * a token: two tokens with one label would make every later open fail as ambiguous.
 */
async function withInitLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.init.lock');
  for (let waited = 0; ; waited += 100) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (waited >= 30_000)
        throw new Error(`${lock} is held for 30 s; remove it if no initialisation is running`, {
          cause: err,
        });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * Creates the store and initialises the token on first call (random user and SO PINs in 0600
 * files, dir 0700); later calls reuse it. The token is initialised through PKCS#11 in a child
 * process (init-token.mjs), so no PIN ever appears in a process list.
 */
export async function ensureSoftHsmToken(opts: EnsureSoftHsmTokenOptions): Promise<SoftHsmToken> {
  const { dir, tokenLabel } = opts;
  if (!/^[\x21-\x7e]{1,32}$/.test(tokenLabel))
    throw new Error('tokenLabel must be 1-32 printable ASCII characters without spaces');
  const modulePath = findSoftHsmModule();
  const tokenDir = join(dir, 'tokens');
  await mkdir(tokenDir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await chmod(tokenDir, 0o700);
  const confPath = join(dir, 'softhsm2.conf');
  const wanted = conf(tokenDir);
  if ((await readFile(confPath, 'utf8').catch(() => '')) !== wanted) await writePrivate(confPath, wanted);
  const token: SoftHsmToken = {
    confPath,
    modulePath,
    tokenLabel,
    pinFile: join(dir, 'user.pin'),
    soPinFile: join(dir, 'so.pin'),
    env: { SOFTHSM2_CONF: confPath },
  };

  if ((await countTokens(confPath, tokenLabel)) === 1 && existsSync(token.pinFile)) return token;
  return withInitLock(dir, async () => {
    const existing = await countTokens(confPath, tokenLabel);
    if (existing > 1) throw new Error(`${existing} SoftHSM tokens are labelled ${tokenLabel} in ${tokenDir}`);
    if (existing === 1 && existsSync(token.pinFile)) return token;
    if (existing === 1)
      throw new Error(`token ${tokenLabel} exists in ${tokenDir} but its PIN file is missing`);

    await writePrivate(token.soPinFile, randomBytes(18).toString('base64url'));
    await writePrivate(token.pinFile, randomBytes(18).toString('base64url'));
    const script = fileURLToPath(new URL('./init-token.mjs', import.meta.url));
    await run(process.execPath, [script, modulePath, tokenLabel, token.soPinFile, token.pinFile], {
      env: { ...process.env, SOFTHSM2_CONF: confPath },
    });
    if ((await countTokens(confPath, tokenLabel)) !== 1)
      throw new Error(
        `SoftHSM token ${tokenLabel} was not created; run softhsm2-util --show-slots with SOFTHSM2_CONF=${confPath}`,
      );
    return token;
  });
}
