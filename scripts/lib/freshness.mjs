// "Is this output older than its inputs?" by modification time, so `npm start` and `npm test`
// skip `npm ci` and the dashboard build when nothing changed, and a second run takes seconds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// Build output and installed packages are never inputs.
const SKIP = new Set(['dist', 'node_modules']);

/** Newest mtime (ms) of a file, or of any file below a directory; 0 when it does not exist. */
export function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

/** True when `output` is missing or older than any of `inputs` (files or directories). */
export function isStale(output, inputs) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}
