// The Debian packages Lockwarden needs, in one place, each with the command or file whose
// presence proves it is installed, plus the one installer `npm start` and `npm test` share.
// Root installs what is missing with apt-get (CI runs as root on a fresh machine); anyone else
// gets an error naming the packages and the exact command, because sudo would need a prompt.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Debian keeps one directory per PostgreSQL major, e.g. /usr/lib/postgresql/15/bin/initdb. */
export function findPostgresBin(name, base = '/usr/lib/postgresql') {
  if (!existsSync(base)) return undefined;
  // Newest major first, so a machine with 15 and 16 side by side uses 16.
  const majors = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const file = path.join(base, major, 'bin', name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** A command on PATH; /usr/sbin and /sbin too, since a non-root PATH often lacks them (mtx). */
export function findCommand(name, searchPath = process.env.PATH ?? '') {
  const dirs = [...searchPath.split(path.delimiter), '/usr/sbin', '/sbin'].filter(Boolean);
  return dirs.map((d) => path.join(d, name)).find((f) => existsSync(f));
}

const command = (name) => ({ proof: `command ${name}`, installed: () => findCommand(name) !== undefined });

/** Package → how we know it is there. Add new system dependencies here and nowhere else. */
export const PACKAGES = {
  postgresql: {
    proof: 'initdb and pg_ctl under /usr/lib/postgresql/*/bin',
    installed: () => findPostgresBin('initdb') !== undefined && findPostgresBin('pg_ctl') !== undefined,
  },
  softhsm2: command('softhsm2-util'),
  opensc: command('pkcs11-tool'),
  chromium: command('chromium'),
  'sg3-utils': command('sg_raw'),
  mtx: command('mtx'),
  // stenc 1.0.7 (tape encryption CLI) and a C compiler for the LD_PRELOAD shim that lets these
  // tools reach the emulators (hardware-sims/sgshim, built by scripts/lib/build-sgshim.mjs).
  stenc: command('stenc'),
  gcc: command('cc'),
  // The C headers (stdio.h, scsi/sg.h, sys/mtio.h): only a Recommends of gcc, which
  // --no-install-recommends skips.
  'libc6-dev': {
    proof: 'file /usr/include/scsi/sg.h',
    installed: () => existsSync('/usr/include/scsi/sg.h'),
  },
  socat: command('socat'),
  // Compilers for the native addons (better-sqlite3, pkcs11js): no prebuilt binary can be
  // downloaded here, so `npm ci` builds them from source with node-gyp.
  python3: command('python3'),
  make: command('make'),
  'g++': command('g++'),
};

/** What each entry point needs. */
export const START_PACKAGES = ['softhsm2', 'opensc'];
export const TEST_PACKAGES = [
  'postgresql',
  'softhsm2',
  'opensc',
  'chromium',
  'sg3-utils',
  'mtx',
  'stenc',
  'gcc',
  'libc6-dev',
  'socat',
];
export const BUILD_TOOLCHAIN = ['python3', 'make', 'g++'];

export function missingPackages(names) {
  return names.filter((name) => {
    const pkg = PACKAGES[name];
    if (!pkg) throw new Error(`system-packages.mjs: unknown package ${name}`);
    return !pkg.installed();
  });
}

export function aptInstallCommand(names) {
  return (
    'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 ' +
    `install -y --no-install-recommends ${names.join(' ')}`
  );
}

/** Thrown when packages are missing and this process cannot install them. */
export class MissingPackagesError extends Error {
  constructor(missing, reason) {
    super(
      `Missing system packages: ${missing.join(', ')} (${reason}).\n` +
        `Install them as root:\n  sudo sh -c '${aptInstallCommand(missing)}'`,
    );
    this.name = 'MissingPackagesError';
    this.missing = missing;
  }
}

// apt-get update takes a while and one refresh per process is enough.
let listsUpdated = false;

function apt(args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${r.error?.message ?? r.status})`);
}

/**
 * Makes sure every package in `names` is installed. Returns the packages it installed; throws
 * MissingPackagesError when something is missing and we are not root, or apt-get fails.
 */
export function ensurePackages(names, log = console.log) {
  const missing = missingPackages(names);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) throw new MissingPackagesError(missing, 'not running as root');
  log(`Installing system packages: ${missing.join(', ')} (first run only)…`);
  try {
    if (!listsUpdated) apt(['update', '-qq']);
    listsUpdated = true;
    apt(['install', '-y', '-q', '--no-install-recommends', ...missing]);
  } catch (err) {
    throw new MissingPackagesError(missing, err instanceof Error ? err.message : String(err));
  }
  const still = missingPackages(missing);
  if (still.length > 0)
    throw new MissingPackagesError(still, 'apt-get installed them but they are not found');
  return missing;
}
