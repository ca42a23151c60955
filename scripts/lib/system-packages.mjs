// Debian packages the project needs, each with a file that proves it is installed, and the
// one installer both `npm start` and `npm test` use. Root installs with apt-get; anyone else
// gets the exact command to run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** @type {Record<string, () => boolean>} package → is it installed? */
export const PROBES = {
  softhsm2: () => ['/usr/lib/softhsm/libsofthsm2.so', '/usr/bin/softhsm2-util'].every((p) => existsSync(p)),
  opensc: () => existsSync('/usr/bin/pkcs11-tool'),
  postgresql: () => findPostgresBin('initdb') !== undefined,
  chromium: () => existsSync('/usr/bin/chromium'),
};

/** initdb/pg_ctl live under /usr/lib/postgresql/<major>/bin on Debian. */
export function findPostgresBin(name) {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const file = `${base}/${major}/bin/${name}`;
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Installs the missing packages among `names`. Returns normally when all are present;
 * throws with a clear message when they are missing and cannot be installed.
 */
export function ensurePackages(names, log = console.log) {
  const missing = names.filter((n) => !PROBES[n]());
  if (missing.length === 0) return;
  const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing system packages: ${missing.join(', ')}.\nInstall them as root:\n  sudo sh -c '${command}'`,
    );
  }
  log(`Installing system packages: ${missing.join(', ')} (first run only)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], { stdio: 'inherit', env });
  execFileSync(
    'apt-get',
    ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', '--no-install-recommends', ...missing],
    { stdio: 'inherit', env },
  );
  const still = missing.filter((n) => !PROBES[n]());
  if (still.length > 0) throw new Error(`apt-get did not install: ${still.join(', ')}`);
}
