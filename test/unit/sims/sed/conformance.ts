import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PinHasher } from '../../../../hardware-sims/sed/opal-pin.ts';
import type { FleetState } from '../../../../hardware-sims/sed/sim-types.ts';
import {
  createSimStateFile,
  memorySedutil,
  referenceFleet,
  runExecutable,
  SEDUTIL_CLI,
} from '../../../helpers/sed-sim.ts';

/**
 * Conformance of the `sedutil-cli` executable with the reference (opal-sedutil.md §1–3): for every
 * action of the action table, one run of the executable exactly as an operator would type it,
 * compared byte for byte with the transcript or the documented text and exit code. State is
 * prepared in process (fast), then written to the state file the executable reads.
 */
export const fx = (name: string) =>
  readFileSync(new URL(`../../../fixtures/sedutil/${name}`, import.meta.url), 'utf8');

export interface ConformanceCase {
  args: string[];
  exit: number;
  /** Exact text or a pattern; default: empty. */
  stdout?: string | RegExp;
  stderr?: string | RegExp;
  fleet?: () => FleetState;
  /** sedutil commands run in process first, to bring the drive into the state the case needs. */
  setup?: string[][];
}

export const PW = 'debug';
export const NEW = 'passw0rd';
/** A PBA image the --loadPBAimage cases write. */
export const PBA = join(tmpdir(), `lw-pba-${process.pid}.img`);

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function describeConformance(title: string, cases: Record<string, ConformanceCase>): void {
  describe(`sedutil-cli executable conforms to DTA sedutil 1.20.0: ${title}`, () => {
    const hasher = new PinHasher(); // the same drives and passwords in every case
    beforeAll(async () => {
      writeFileSync(PBA, Buffer.alloc(1000, 0x55));
      await runExecutable(SEDUTIL_CLI, ['--help'], {}); // build the bundle before the concurrent cases
    });
    afterAll(() => rmSync(PBA, { force: true }));

    it.concurrent.each(Object.entries(cases))('%s', async (_name, c) => {
      const sim = memorySedutil((c.fleet ?? referenceFleet)(), hasher);
      for (const step of c.setup ?? []) await sim.run(...step);
      const file = await createSimStateFile(sim.store.state);
      try {
        const r = await runExecutable(SEDUTIL_CLI, c.args, {
          ...file.env,
          LOCKWARDEN_SED_SIM_HOST: 'test-host',
        });
        const expectText = (actual: string, want: string | RegExp | undefined) =>
          want instanceof RegExp ? expect(actual).toMatch(want) : expect(actual).toBe(want ?? '');
        expectText(r.stdout, c.stdout);
        expectText(r.stderr, c.stderr);
        expect(r.exitCode).toBe(c.exit);
      } finally {
        await file.cleanup();
      }
    });
  });
}
