#!/usr/bin/env node
// A throwaway PostgreSQL server for tests: a temp data directory, loopback only, a free port,
// trust authentication (nothing but this machine can reach it), no fsync. As root, initdb and
// pg_ctl run as the `postgres` system user (PostgreSQL refuses to run as root).
// CLI: `node scripts/pg-temp.mjs` prints the URL and runs until Ctrl-C.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin } from './lib/system-packages.mjs';

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

function postgresUid() {
  const out = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  return out.status === 0
    ? {
        uid: Number(out.stdout.trim()),
        gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
      }
    : undefined;
}

export async function startTempPostgres() {
  const initdb = findPostgresBin('initdb');
  const pgCtl = findPostgresBin('pg_ctl');
  if (!initdb || !pgCtl) throw new Error('PostgreSQL server binaries not found (Debian package postgresql)');
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUid() : undefined;
  if (asRoot && !owner) throw new Error('running as root but there is no postgres system user');
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const run = (file, args) =>
    execFileSync(owner ? 'runuser' : file, owner ? ['-u', 'postgres', '--', file, ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    });
  const port = await freePort();
  run(initdb, ['-D', data, '-A', 'trust', '-U', 'lockwarden', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run(pgCtl, ['-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o', opts, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const psql = 'psql';
    execFileSync(
      psql,
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'lockwarden',
        '-d',
        'postgres',
        '-qc',
        'CREATE DATABASE lockwarden_test',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (err) {
    stop();
    throw err;
  }
  return { url: `postgres://lockwarden@127.0.0.1:${port}/lockwarden_test`, stop };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pg = await startTempPostgres();
  console.log(pg.url);
  const bye = () => {
    pg.stop();
    process.exit(0);
  };
  process.on('SIGINT', bye);
  process.on('SIGTERM', bye);
  setInterval(() => {}, 1 << 30);
}
