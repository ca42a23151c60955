import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { it } from 'vitest';

/**
 * Runs the unmodified Linux SCSI tools (sg3-utils, mtx, stenc) against the tape emulators
 * through the LD_PRELOAD shim of hardware-sims/sgshim. The helpers behind test/system/tape-tools.
 */
interface ShimLib {
  buildSgShim(opts?: { log?: (line: string) => void }): { path: string; built: boolean };
  findCompiler(): string | undefined;
}
interface PackagesLib {
  findCommand(name: string): string | undefined;
}
const lib = async <T>(name: string) =>
  (await import(new URL(`../../scripts/lib/${name}.mjs`, import.meta.url).href)) as T;
export const { buildSgShim, findCompiler } = await lib<ShimLib>('build-sgshim');
export const { findCommand } = await lib<PackagesLib>('system-packages');

/** Each tool and the Debian package it comes from (scripts/lib/system-packages.mjs). */
export const TOOL_PACKAGES: Record<string, string> = {
  sg_inq: 'sg3-utils',
  sg_raw: 'sg3-utils',
  mtx: 'mtx',
  stenc: 'stenc',
  cc: 'gcc libc6-dev',
};

/** The shim needs a compiler and the C headers (libc6-dev is only a Recommends of gcc). */
const canBuildShim = () => findCompiler() !== undefined && existsSync('/usr/include/scsi/sg.h');

const inCi = () => !!process.env.CI && process.env.CI !== 'false';

/** Why the tools cannot run here, or undefined. A missing C compiler means no shim at all. */
export function missingTools(tools: string[]): string | undefined {
  const missing = ['cc', ...tools].filter((t) => (t === 'cc' ? !canBuildShim() : !findCommand(t)));
  if (missing.length === 0) return undefined;
  const pkgs = [...new Set(missing.map((t) => TOOL_PACKAGES[t] ?? t))];
  return `${missing.join(', ')} not installed (apt-get install ${pkgs.join(' ')})`;
}

/**
 * `it` for a test that needs real tools. Without them it is skipped with the reason in its
 * title, except under CI, where a missing tool is a failure (the pipeline installs them).
 * `notRoot` names a separate precondition that always skips (stenc 1.0.7 demands uid 0).
 */
export function itWithTools(
  title: string,
  tools: string[],
  fn: () => Promise<void>,
  opts: { needsRoot?: boolean; timeout?: number } = {},
): void {
  const missing = missingTools(tools);
  if (missing && inCi()) {
    it(title, () => Promise.reject(new Error(`${missing}: CI must provide them`)), opts.timeout);
  } else if (missing) {
    it.skip(`${title} [skipped: ${missing}]`, fn);
  } else if (opts.needsRoot && process.getuid?.() !== 0) {
    it.skip(`${title} [skipped: stenc 1.0.7 refuses to run unless root (getuid() == 0)]`, fn);
  } else {
    it(title, fn, opts.timeout);
  }
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool with the shim preloaded, asynchronously: the emulators answer in this process,
 * so a synchronous spawn would deadlock. A non-zero exit is a result, not an exception.
 */
export function runTool(
  name: string,
  args: string[],
  env: { shim: string; dir: string },
): Promise<ToolResult> {
  const file = findCommand(name) ?? name;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LD_PRELOAD: env.shim, LWSIM_DIR: env.dir };
  delete childEnv['LWSIM_DEBUG']; // its stderr lines would end up in the tools' output
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: childEnv, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new Error(`${name} ${args.join(' ')}: ${err.message}\n${stderr}`));
        return;
      }
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

/** `mtx status` → storage slots (1-based, I/E included) and drives as mtx prints them. */
export function parseMtxStatus(text: string): {
  drives: { index: number; barcode?: string; fromSlot?: number }[];
  slots: { index: number; importExport: boolean; barcode?: string; full: boolean }[];
} {
  const drives = [...text.matchAll(/^Data Transfer Element (\d+):(Empty|Full)(.*)$/gm)].map((m) => {
    const from = /Storage Element (\d+) Loaded/.exec(m[3]!);
    const tag = /VolumeTag = (\S+)/.exec(m[3]!);
    return {
      index: Number(m[1]),
      ...(tag ? { barcode: tag[1]! } : {}),
      ...(from ? { fromSlot: Number(from[1]) } : {}),
    };
  });
  const slots = [...text.matchAll(/^\s*Storage Element (\d+)( IMPORT\/EXPORT)?:(Empty|Full)(.*)$/gm)].map(
    (m) => {
      const tag = /VolumeTag=(\S+)/.exec(m[4]!);
      return {
        index: Number(m[1]),
        importExport: m[2] !== undefined,
        full: m[3] === 'Full',
        ...(tag ? { barcode: tag[1]! } : {}),
      };
    },
  );
  return { drives, slots };
}
