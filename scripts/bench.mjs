#!/usr/bin/env node
// `npm run bench -- NAME`: runs scripts/bench/NAME.ts, which prints readable figures and ends
// with one line of JSON. Benchmarks measure; tests never assert on timing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
const [name, ...rest] = process.argv.slice(2);
if (!name || !existsSync(path.join(dir, `${name}.bench.ts`))) {
  console.error(`Usage: npm run bench -- NAME [options]\nBenchmarks: ${names.join(', ')}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.bench.ts`), ...rest], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
