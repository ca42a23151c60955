import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * A stable name for this console installation, written into certificates as their issuer:
 * the host name and an id kept in the data directory, so that it survives restarts (the job
 * owner id, by contrast, is new in every process). Created on first start, owner-only.
 */
export function consoleName(dataDir: string): string {
  const file = path.join(dataDir, 'console-id');
  let id: string;
  try {
    id = readFileSync(file, 'utf8').trim();
  } catch {
    id = randomBytes(4).toString('hex');
    try {
      writeFileSync(file, `${id}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process created it first: use theirs.
      id = readFileSync(file, 'utf8').trim();
    }
  }
  return `${hostname()}/${id}`;
}
