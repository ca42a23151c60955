// The pure helpers behind `npm test` and `npm start` (scripts/lib/*.mjs). The scripts are plain
// JavaScript so they run before `npm ci`; they are loaded by URL and typed here by hand.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
interface SummaryLib {
  summarizeVitestReport(report: unknown, exitCode: number): Counts;
  formatSummary(counts: Counts): string;
}
interface FreshnessLib {
  newestMtime(p: string): number;
  isStale(output: string, inputs: string[]): boolean;
}
interface PackagesLib {
  findPostgresBin(name: string, base?: string): string | undefined;
  missingPackages(names: string[]): string[];
  aptInstallCommand(names: string[]): string;
  TEST_PACKAGES: string[];
  START_PACKAGES: string[];
  PACKAGES: Record<string, unknown>;
}

const lib = async <T>(name: string) =>
  (await import(new URL(`../../../scripts/lib/${name}.mjs`, import.meta.url).href)) as T;
const { summarizeVitestReport, formatSummary } = await lib<SummaryLib>('vitest-summary');
const { newestMtime, isStale } = await lib<FreshnessLib>('freshness');
const packages = await lib<PackagesLib>('system-packages');

const file = (status: string, tests: string[]) => ({
  status,
  assertionResults: tests.map((s) => ({ status: s })),
});

describe('summarizeVitestReport', () => {
  it('counts passed, failed and skipped tests', () => {
    const report = {
      testResults: [
        file('passed', ['passed', 'passed', 'skipped', 'todo']),
        file('failed', ['passed', 'failed']),
      ],
    };
    expect(summarizeVitestReport(report, 1)).toEqual({ passed: 3, failed: 1, skipped: 2 });
  });

  it('counts a file that failed to load as one failure', () => {
    const report = { testResults: [file('failed', []), file('passed', ['passed'])] };
    expect(summarizeVitestReport(report, 1)).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });

  it('never reports a red run as 0 failed', () => {
    expect(summarizeVitestReport({ testResults: [file('passed', ['passed'])] }, 1).failed).toBe(1);
    expect(summarizeVitestReport(undefined, 0)).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it('formats the line CI reads', () => {
    expect(formatSummary({ passed: 5, failed: 0, skipped: 0 })).toBe('5 passed, 0 failed');
    expect(formatSummary({ passed: 5, failed: 2, skipped: 3 })).toBe('5 passed, 2 failed, 3 skipped');
  });
});

describe('freshness', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const touch = (p: string, secondsAgo: number) => {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, '');
    const t = Date.now() / 1000 - secondsAgo;
    utimesSync(p, t, t);
  };

  it('finds stale output and ignores dist/ and node_modules/ as inputs', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lw-fresh-'));
    const out = path.join(dir, 'client/dist/index.html');
    expect(isStale(out, [path.join(dir, 'client')])).toBe(true); // missing output
    touch(path.join(dir, 'client/src/main.ts'), 100);
    touch(out, 50);
    touch(path.join(dir, 'client/dist/assets/app.js'), 10);
    touch(path.join(dir, 'client/node_modules/.vite/x'), 10);
    expect(isStale(out, [path.join(dir, 'client'), path.join(dir, 'missing')])).toBe(false);
    touch(path.join(dir, 'client/src/deep/view.vue'), 5);
    expect(isStale(out, [path.join(dir, 'client')])).toBe(true);
    expect(newestMtime(path.join(dir, 'nothing'))).toBe(0);
  });
});

describe('system packages', () => {
  it('picks initdb from the newest PostgreSQL major', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'lw-pgbin-'));
    try {
      for (const major of ['9', '15', '16']) {
        mkdirSync(path.join(base, major, 'bin'), { recursive: true });
        if (major !== '16') writeFileSync(path.join(base, major, 'bin', 'initdb'), '');
      }
      expect(packages.findPostgresBin('initdb', base)).toBe(path.join(base, '15', 'bin', 'initdb'));
      expect(packages.findPostgresBin('initdb', path.join(base, 'nope'))).toBeUndefined();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('knows how to prove every package it is asked for', () => {
    for (const name of [...packages.TEST_PACKAGES, ...packages.START_PACKAGES])
      expect(packages.PACKAGES).toHaveProperty([name]);
    expect(() => packages.missingPackages(['no-such-package'])).toThrow(/unknown package/);
  });

  it('names the exact apt command', () => {
    expect(packages.aptInstallCommand(['socat', 'mtx'])).toBe(
      'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 ' +
        'install -y --no-install-recommends socat mtx',
    );
  });
});
