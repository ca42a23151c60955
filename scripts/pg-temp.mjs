#!/usr/bin/env node
// A throwaway PostgreSQL server for tests: its own temp data directory and socket directory,
// 127.0.0.1 only, a free port, trust authentication (only this machine can reach it) and no
// fsync (the data is thrown away anyway). PostgreSQL refuses to run as root, so as root initdb
// and pg_ctl run as the `postgres` system user that the Debian package creates.
//
// Library: `const pg = await startTempPostgres(); … pg.stop();` (stop is synchronous, so it also
// works from a process 'exit' handler). CLI: `node scripts/pg-temp.mjs` prints the URL and keeps
// the server until SIGINT/SIGTERM, then removes everything.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCommand, findPostgresBin } from './lib/system-packages.mjs';

const USER = 'lockwarden';
const DATABASE = 'lockwarden_test';

/** Binding port 0 makes the kernel pick a free port; there is a tiny race until postgres binds it. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** How to run a PostgreSQL binary: directly, or as `postgres` when we are root. */
function runnerFor(dir) {
  const opts = { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' };
  if (process.getuid?.() !== 0) return (file, args) => execFileSync(file, args, opts);
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  const [uid, gid] = [id('-u'), id('-g')];
  chownSync(dir, uid, gid);
  // runuser (util-linux) is on every Debian; setpriv is the fallback on trimmed images.
  if (findCommand('runuser'))
    return (file, args) => execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], opts);
  return (file, args) =>
    execFileSync('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', file, ...args], opts);
}

function postgresUserExists() {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The useful part of a failed command: its stderr, or the end of the server log. */
function describeFailure(err, logFile) {
  const stderr = typeof err?.stderr === 'string' ? err.stderr.trim() : '';
  const log = existsSync(logFile)
    ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n')
    : '';
  return [err instanceof Error ? err.message.split('\n')[0] : String(err), stderr, log]
    .filter(Boolean)
    .join('\n');
}

export async function startTempPostgres() {
  const initdb = findPostgresBin('initdb');
  const pgCtl = findPostgresBin('pg_ctl');
  const psql = findPostgresBin('psql') ?? findCommand('psql');
  if (!initdb || !pgCtl || !psql)
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)',
    );
  if (process.getuid?.() === 0 && !postgresUserExists())
    throw new Error('running as root, but there is no `postgres` system user to run PostgreSQL as');

  // mkdtemp makes the directory 0700; it also holds the unix socket (-k), so nothing else on
  // the machine can reach it through /var/run/postgresql.
  const dir = mkdtempSync(path.join(tmpdir(), 'lockwarden-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  let started = false;
  let stopped = false;
  let run;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (started) {
      try {
        // immediate: no checkpoint, the data is about to be deleted.
        run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone (killed with the test run): nothing to stop.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    chmodSync(dir, 0o700);
    run = runnerFor(dir);
    run(initdb, ['-D', data, '-A', 'trust', '-U', USER, '--no-sync', '-E', 'UTF8', '--locale=C']);
    // A port taken between freePort() and postgres binding it makes start fail: try another.
    let port;
    for (let attempt = 1; !started; attempt += 1) {
      port = await freePort();
      const options =
        `-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}' ` +
        '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200';
      try {
        run(pgCtl, ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']);
        started = true;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
    run(
      psql,
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        USER,
        '-d',
        'postgres',
        '-qAt',
        '-v',
        'ON_ERROR_STOP=1',
      ].concat(['-c', `CREATE DATABASE ${DATABASE}`]),
    );
    return { url: `postgres://${USER}@127.0.0.1:${port}/${DATABASE}`, dataDir: data, stop };
  } catch (err) {
    const message = `could not start a temporary PostgreSQL: ${describeFailure(err, logFile)}`;
    stop();
    throw new Error(message, { cause: err });
  }
}

// CLI for developers: print the URL, keep running until Ctrl-C or SIGTERM, clean up.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let pg;
  try {
    pg = await startTempPostgres();
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
  process.on('exit', () => pg.stop());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(0));
  console.log(pg.url);
  console.error(`PostgreSQL is running (data in ${pg.dataDir}); Ctrl-C stops it and deletes the data.`);
  console.error(`  psql ${pg.url}`);
  console.error(`  LOCKWARDEN_TEST_PG_URL=${pg.url} npx vitest run test/integration`);
  setInterval(() => {}, 1 << 30); // keep the event loop alive until a signal arrives
}
