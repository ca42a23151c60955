// `npm ci` when node_modules is missing or older than the lockfile, so `npm start` and
// `npm test` work from a fresh clone and cost nothing afterwards. npm writes
// node_modules/.package-lock.json at the end of every install, so its mtime says when the tree
// last matched the lockfile.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isStale } from './freshness.mjs';
import { BUILD_TOOLCHAIN, ensurePackages } from './system-packages.mjs';

export function npmDependenciesStale(root) {
  return isStale(path.join(root, 'node_modules', '.package-lock.json'), [
    path.join(root, 'package-lock.json'),
  ]);
}

/** Returns true when it ran `npm ci`, false when node_modules was already current. */
export function ensureNpmDependencies(root, log = console.log) {
  if (!npmDependenciesStale(root)) return false;
  // better-sqlite3 and pkcs11js cannot download prebuilt binaries here and fall back to a
  // source build, which needs a compiler that a fresh machine may not have yet.
  ensurePackages(BUILD_TOOLCHAIN, log);
  log('Installing npm dependencies (first run only)…');
  const env = { ...process.env };
  // Point node-gyp at the local Node headers (the nodejs package ships them) instead of
  // downloading a header tarball, which cannot work offline.
  if (existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0)
    throw new Error(`npm ci failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  return true;
}
