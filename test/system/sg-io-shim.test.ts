import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { EmulatedDevice } from '../../hardware-sims/scsi/emulated-device.ts';
import { TapeFleet } from '../../hardware-sims/tape/fleet.ts';
import { serveTapeFleet } from '../../hardware-sims/tape/serve-fleet.ts';
import { OPCODE } from '../../server/drivers/scsi/opcodes.ts';
import { buildSgShim, itWithTools } from '../helpers/sg-tools.ts';

/**
 * The hardware contract suites (test/contract/tape-*.hw.test.ts) run unchanged, through the
 * real SgIoTransport (koffi in a worker thread, open + ioctl(SG_IO)), against the small-lab
 * emulators served in this process, with the LD_PRELOAD shim (hardware-sims/sgshim) standing
 * in for /dev/lwsim/nst0 and /dev/lwsim/sch0. LD_PRELOAD only takes effect when a process
 * starts, so the suites run in a child Vitest. No root needed: the shim answers SG_IO before
 * the kernel's CAP_SYS_RAWIO filter could.
 *
 * On hardware those suites skip, by name, every test that needs a hook (a scratch cartridge,
 * fault injection) or might move a cartridge; they run the ones below. This test demands
 * that those ran and passed, that nothing failed, and that the commands reached the emulators.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUITES = ['test/contract/tape-drive.hw.test.ts', 'test/contract/tape-library.hw.test.ts'];
/** The tests of those suites that need no hook and run on a real drive and library. */
const MUST_PASS = [
  'open: identity from INQUIRY and VPD 0x80; capabilities from pages 0x0010/0x0012',
  'open: identity, element map; inventory with barcodes and DVCID serials',
  'a full destination, an empty source and a bad address are refused and change nothing',
];

interface VitestJsonReport {
  success: boolean;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: {
      title: string;
      ancestorTitles: string[];
      status: string;
      failureMessages: string[];
    }[];
  }[];
}

let dir: string;
let served: Awaited<ReturnType<typeof serveTapeFleet>>;
let fleet: TapeFleet;
const emulatorLog: string[] = [];

/** Every opcode the device receives from now on (a behavior that only watches). */
function observe(device: EmulatedDevice): Set<number> {
  const opcodes = new Set<number>();
  device.addBehavior({ onCommand: (ctx) => void opcodes.add(ctx.opcode) });
  return opcodes;
}

/** The hw suites in a child Vitest with the shim preloaded; resolves with its exit code and output. */
function runHwSuites(shim: string, outputFile: string): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_PRELOAD: shim,
    LWSIM_DIR: dir,
    LOCKWARDEN_TEST_SG_DEVICE: '/dev/lwsim/nst0',
    LOCKWARDEN_TEST_SG_CHANGER: '/dev/lwsim/sch0',
  };
  // The child is a Vitest run of its own, not a worker of this one; the shim's debug lines
  // would only clutter the output.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'LWSIM_DEBUG') delete env[key];
  // Only the two named files: the config's include (test/**) would otherwise take this file too.
  const args = [
    path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'run',
    ...SUITES,
    '--reporter=json',
    `--outputFile=${outputFile}`,
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env, timeout: 100_000, encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = typeof err?.code === 'number' ? err.code : err ? -1 : 0;
        resolve({ code, output: `${err && code === -1 ? `${err.message}\n` : ''}${stdout}${stderr}` });
      },
    );
  });
}

beforeAll(async () => {
  fleet = TapeFleet.create('small-lab');
  dir = await mkdtemp(path.join(tmpdir(), 'lw-sgio-'));
  served = await serveTapeFleet(fleet, dir, { log: (m) => emulatorLog.push(m) });
});

afterAll(async () => {
  await served?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  expect(emulatorLog).toEqual([]);
});

describe('SgIoTransport through the sg shim', () => {
  itWithTools(
    'the hardware contract suites pass on /dev/lwsim/nst0 and /dev/lwsim/sch0',
    [],
    async () => {
      const shim = buildSgShim().path;
      const driveOps = observe(fleet.drives[0]!);
      const changerOps = observe(fleet.libraries[0]!);
      const outputFile = path.join(dir, 'hw-report.json');
      const run = await runHwSuites(shim, outputFile);
      const report = await readFile(outputFile, 'utf8').then(
        (text) => JSON.parse(text) as VitestJsonReport,
        () => undefined,
      );
      if (!report) expect.fail(`the child Vitest wrote no report (exit ${run.code}):\n${run.output}`);

      expect(report.testResults.map((f) => path.relative(ROOT, f.name)).sort()).toEqual(SUITES);
      const tests = report.testResults.flatMap((f) => f.assertionResults);
      const failed = tests.filter((t) => t.status === 'failed');
      expect(failed.map((t) => `${t.title}\n${t.failureMessages.join('\n')}`)).toEqual([]);
      expect(report.numFailedTests).toBe(0);
      expect(report.success).toBe(true);
      expect(run.code, run.output).toBe(0);
      // The suites ran on the emulated devices, not skipped for want of the env variables.
      for (const t of tests) expect(t.ancestorTitles[0]).toMatch(/ over SG_IO on \/dev\/lwsim\/(nst|sch)0$/u);
      const passed = tests.filter((t) => t.status === 'passed').map((t) => t.title);
      expect(passed).toEqual(expect.arrayContaining(MUST_PASS));

      // And the commands came through the shim's sockets: identity and SPIN pages on the
      // drive, READ ELEMENT STATUS and the refused MOVE MEDIUMs on the changer.
      expect([...driveOps]).toEqual(expect.arrayContaining([OPCODE.INQUIRY, OPCODE.SECURITY_PROTOCOL_IN]));
      expect([...changerOps]).toEqual(
        expect.arrayContaining([OPCODE.INQUIRY, OPCODE.READ_ELEMENT_STATUS, OPCODE.MOVE_MEDIUM]),
      );
    },
    { timeout: 120_000 },
  );
});
