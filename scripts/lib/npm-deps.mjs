// Installs npm dependencies when node_modules is missing or older than the lockfile, so
// that `npm start` and `npm test` work from a fresh clone and are quick afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export function ensureNpmDependencies(root, log = console.log) {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('Installing npm dependencies (first run only)…');
  const env = { ...process.env };
  // Native addons (better-sqlite3, pkcs11js) build from source here: point node-gyp at the
  // local Node headers, since nothing can be downloaded.
  if (existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
}
