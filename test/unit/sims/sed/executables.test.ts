import { readdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Each step runs the executables as separate processes; give them room on a busy machine.
vi.setConfig({ testTimeout: 90_000 });
import {
  createSimStateFile,
  fleetOf,
  runExecutable,
  SEDSIM,
  SEDUTIL_CLI,
  type SimStateFile,
} from '../../../helpers/sed-sim.ts';

/** The two executables over one state file: creation, concurrency, and the control commands. */
let file: SimStateFile | undefined;
afterEach(() => file?.cleanup());

const cli = (args: string[], env = file!.env) => runExecutable(SEDUTIL_CLI, args, env);
const sedsim = (args: string[], env = file!.env) => runExecutable(SEDSIM, args, env);

beforeAll(async () => {
  await runExecutable(SEDUTIL_CLI, ['--help'], {}); // build the bundle once
});

describe('state file', () => {
  it('is created from LOCKWARDEN_SED_SIM_SCENARIO when missing', async () => {
    file = await createSimStateFile(undefined, 'datacenter');
    const hosts = await sedsim(['hosts']);
    expect(hosts.stdout.trim().split('\n').length).toBeGreaterThan(4);
    const scan = await cli(['--scan'], { ...file.env, LOCKWARDEN_SED_SIM_HOST: 'stor-02' });
    expect(scan.stdout.split('\n').filter((l) => l.startsWith('/dev/'))).toHaveLength(50);
    expect((await file.read()).scenario).toBe('datacenter');
  });

  it('loses no update when many sedutil-cli processes change different drives at once', async () => {
    const devices = Array.from({ length: 16 }, (_, i) => `/dev/sd${String.fromCharCode(97 + i)}`);
    file = await createSimStateFile(fleetOf(devices.map((d) => ['samsung-860-evo-1t', d])));
    const results = await Promise.all(devices.map((d) => cli(['--takeOwnership', 'pw', d])));
    expect(results.map((r) => r.exitCode)).toEqual(devices.map(() => 0));
    const state = await file.read();
    expect(state.drives.map((d) => d.sid.pin === Buffer.from(d.msid).toString('hex'))).toEqual(
      devices.map(() => false),
    );
    // Temp files were renamed over the state, the lock removed.
    expect((await readdir(dirname(file.statePath))).sort()).toEqual(['state.json']);
  });

  it('refuses a file that is not a state file, with exit 255 and a message', async () => {
    file = await createSimStateFile();
    await writeFile(file.statePath, '{"hello":1}');
    const r = await cli(['--scan']);
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toMatch(/^sedsim: .* is not a sedutil simulator state file/);
  });
});

describe('sedsim', () => {
  const fleet = () =>
    fleetOf([
      ['samsung-860-evo-1t', '/dev/sda'],
      ['samsung-960-evo-1t', '/dev/nvme0'],
    ]);

  it('power-cycles a drive: an enforcing range comes back locked', async () => {
    file = await createSimStateFile(fleet());
    await cli(['--initialSetup', 'pw', '/dev/sda']);
    await cli(['--enableLockingRange', '0', 'pw', '/dev/sda']);
    expect((await sedsim(['power-cycle', '/dev/sda'])).stdout).toBe('power-cycled 1 drive\n');
    expect((await cli(['--query', '/dev/sda'])).stdout).toContain('Locked = Y, LockingEnabled = Y');
    expect((await sedsim(['power-cycle', '--all'])).stdout).toBe('power-cycled 2 drives\n');
    expect((await sedsim(['list'])).stdout).toMatch(/\/dev\/sda .* active +locked +mbr +-\n/);
  });

  it('injects a TCG status, SP_BUSY, latency and a vanishing drive', async () => {
    file = await createSimStateFile(fleet());
    await sedsim(['fault', '/dev/sda', 'status', 'TPER_MALFUNCTION']);
    const failed = await cli(['--takeOwnership', 'pw', '/dev/sda']);
    expect(failed.exitCode).toBe(15);
    expect(failed.stderr).toMatch(/^method status code TPER_MALFUNCTION\nSession start failed rc = 15\n/);
    expect((await cli(['--printDefaultPassword', '/dev/sda'])).exitCode).toBe(0); // one-shot
    await sedsim(['fault', '/dev/sda', 'sp-busy', '2']);
    expect((await cli(['--printDefaultPassword', '/dev/sda'])).exitCode).toBe(3);
    expect((await cli(['--printDefaultPassword', '/dev/sda'])).exitCode).toBe(3);
    expect((await cli(['--printDefaultPassword', '/dev/sda'])).exitCode).toBe(0);
    // A command holding its session meets a concurrent one with SP_BUSY.
    await sedsim(['fault', '/dev/sda', 'latency', '700']);
    const slow = cli(['--printDefaultPassword', '/dev/sda']);
    await new Promise((r) => setTimeout(r, 350));
    expect((await cli(['--printDefaultPassword', '/dev/sda'])).exitCode).toBe(3);
    expect((await slow).exitCode).toBe(0);
    await sedsim(['fault', '/dev/sda', 'vanish']);
    expect((await cli(['--scan'])).stdout).not.toContain('/dev/sda');
    expect((await cli(['--query', '/dev/sda'])).stderr).toBe('Invalid or unsupported disk /dev/sda\n');
    await sedsim(['fault', '/dev/sda', 'clear']);
    expect((await cli(['--scan'])).stdout).toContain('/dev/sda');
  });

  it('swaps slots, shows a drive, resets the fleet, and reports bad usage', async () => {
    file = await createSimStateFile(fleet());
    const sda = JSON.parse((await sedsim(['show', '/dev/sda'])).stdout) as { identity: { serial: string } };
    await sedsim(['swap', '/dev/sda', '/dev/nvme0']);
    expect((await cli(['--query', '/dev/nvme0'])).stdout).toContain(sda.identity.serial);
    await sedsim(['reset', 'small-lab']);
    expect((await sedsim(['hosts'])).stdout).toBe('lab-01\n');
    const bad = await sedsim(['fault', '/dev/sda', 'explode']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^sedsim: unknown fault explode\n/);
    expect((await sedsim(['show', '/dev/sdq'])).exitCode).toBe(1);
  });
});
