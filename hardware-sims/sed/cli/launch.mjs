// Starts a simulator executable (sedutil-cli, sedsim) from an esbuild bundle of its TypeScript.
//
// Why a bundle: the console runs one sedutil-cli process per command and "unlock all" runs
// hundreds. `node --import tsx` costs ~0.5 s of startup per process (tsx transforms every module
// on the way in); a plain ESM bundle starts in ~70 ms. The bundle is built on first use and again
// whenever one of its input files is newer than it (esbuild's metafile lists the inputs), under
// .tmp/ (git-ignored). Parallel first starts build once: the others wait for the build lock.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = join(root, '.tmp', 'sed-sim-bundle');
const inputsFile = join(outDir, 'inputs.json');
const lockDir = join(outDir, '.build-lock');
const ENTRIES = {
  'sedutil-cli': 'hardware-sims/sed/cli/sedutil-cli-main.ts',
  sedsim: 'hardware-sims/sed/cli/sedsim-main.ts',
};
const STALE_LOCK_MS = 60_000;

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

function isFresh() {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  } catch {
    return false;
  }
  const built = Math.min(...Object.keys(ENTRIES).map((name) => mtime(join(outDir, `${name}.mjs`))));
  return (
    built >= 0 && inputs.every((file) => mtime(join(root, file)) >= 0 && mtime(join(root, file)) <= built)
  );
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function build() {
  const esbuild = await import('esbuild');
  const tmp = join(outDir, `tmp-${process.pid}`);
  const result = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, join(root, src)])),
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    absWorkingDir: root,
    metafile: true,
    logLevel: 'error',
  });
  // The entry files first, then the inputs list: a reader that sees the new list sees the new bundle.
  for (const name of Object.keys(ENTRIES)) renameSync(join(tmp, `${name}.mjs`), join(outDir, `${name}.mjs`));
  rmSync(tmp, { recursive: true, force: true });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, resolve(root, p)));
  writeFileSync(`${inputsFile}.tmp`, JSON.stringify(inputs));
  renameSync(`${inputsFile}.tmp`, inputsFile);
}

async function ensureBundle() {
  if (isFresh()) return;
  mkdirSync(outDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
    } catch {
      if (Date.now() - mtime(lockDir) > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
      await sleep(25);
      if (isFresh()) return;
      continue;
    }
    try {
      if (!isFresh()) await build();
      return;
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }
}

export async function launch(name) {
  await ensureBundle();
  const mod = await import(pathToFileURL(join(outDir, `${name}.mjs`)).href);
  process.exitCode = await mod.main(process.argv.slice(2));
}
