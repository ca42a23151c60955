#!/usr/bin/env node
// `npx lockwarden …`: the command-line interface over the same services as the console.
// It runs the TypeScript entry point through tsx, exactly as `npm start` runs the server.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(
  process.execPath,
  // tsx resolved from here, not from the caller's directory: `cert verify` runs anywhere.
  ['--import', import.meta.resolve('tsx'), path.join(root, 'server/cli/main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: process.cwd(),
  },
);
process.exit(result.status ?? 1);
