import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimSedDrivers } from '../../hardware-sims/sed/sim-sed-drivers.ts';
import type { SedDriver } from '../../server/drivers/sed/sed-driver.ts';
import { SedDriverPort } from '../../server/services/sed/sed-driver-port.ts';
import { sedFleetOf } from '../../server/services/sed/sed-port.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { waitFor } from '../helpers/key-services.ts';
import { SEDSIM } from '../helpers/sed-sim.ts';

const run = promisify(execFile);

/**
 * The SED workflows end to end through the REST API, the real SedutilSedDriver and the
 * drop-in sedutil-cli executable (one process per command, as on a real host), with faults
 * injected through the simulator's own control command.
 */
let t: TestApp;
let drivers: Map<string, SedDriver>;
let dir: string;
let statePath: string;
let op: Awaited<ReturnType<TestApp['login']>>;

const sedsim = (...args: string[]) =>
  run(SEDSIM, args, {
    env: { ...process.env, LOCKWARDEN_SED_SIM_STATE: statePath, LOCKWARDEN_SED_SIM_HOST: 'lab-01' },
  });

async function finished(jobId: string) {
  return waitFor(async () => {
    const res = await op.agent.get(`/api/jobs/${jobId}`);
    return ['succeeded', 'failed', 'cancelled'].includes(res.body.state) ? res.body : undefined;
  }, 60_000);
}

const lock = (id: string, mode: 'LK' | 'RW' | 'RO') =>
  op.agent.post(`/api/sed-drives/${id}/lock-state`).set('X-CSRF-Token', op.csrf).send({ mode });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lw-sedexe-'));
  statePath = path.join(dir, 'state.json');
  drivers = await createSimSedDrivers({ statePath, scenario: 'small-lab' });
  const ports = new Map([...drivers].map(([host, d]) => [host, new SedDriverPort(d)] as const));
  t = await buildTestApp({ sedFleet: sedFleetOf(ports) });
  await t.createUser('olivia', 'operator');
  await t.createUser('sam', 'security-officer');
  op = await t.login('olivia', 'olivia-password-123');
}, 60_000);
afterAll(async () => {
  await t.close();
  for (const d of drivers.values()) await d.close();
  rmSync(dir, { recursive: true, force: true });
});

// Dozens of sedutil processes per test: give them room on a busy two-core machine.
describe('SED end to end on the executable simulator', { timeout: 90_000 }, () => {
  let nvme0: { id: string; serial: string };

  it('discovers the small-lab fleet', async () => {
    const res = await op.agent.post('/api/sed-drives/discovery').set('X-CSRF-Token', op.csrf).expect(200);
    expect(res.body.seen).toBeGreaterThanOrEqual(10);
    const list = await op.agent.get('/api/sed-drives?search=/dev/nvme0').expect(200);
    nvme0 = list.body.drives[0];
    expect(nvme0).toMatchObject({ host: 'lab-01', ssc: 'opal2', state: 'discovered' });
  });

  it('enroll → lock → power-cycle → still locked → unlock → rotate → unlock with the new credential', async () => {
    const enroll = await op.agent
      .post(`/api/sed-drives/${nvme0.id}/enrollment`)
      .set('X-CSRF-Token', op.csrf)
      .expect(202);
    expect((await finished(enroll.body.id)).state).toBe('succeeded');
    expect((await lock(nvme0.id, 'LK')).body).toMatchObject({
      locked: true,
      lockingEnabled: true,
      mbrEnabled: false,
    });
    await sedsim('power-cycle', '--all');
    expect((await op.agent.get(`/api/sed-drives/${nvme0.id}`)).body.state).toBe('enrolled');
    const unlocked = await lock(nvme0.id, 'RW');
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.locked).toBe(false);
    const so = await t.login('sam', 'sam-password-123');
    const rotate = await so.agent
      .post(`/api/sed-drives/${nvme0.id}/rotation`)
      .set('X-CSRF-Token', so.csrf)
      .expect(202);
    expect((await finished(rotate.body.id)).state).toBe('succeeded');
    expect((await lock(nvme0.id, 'LK')).status).toBe(200);
    expect((await lock(nvme0.id, 'RW')).body.locked).toBe(false);
  });

  it('enroll → read ranges (Admin1) → the global range enforces locking → lock → power-cycle', async () => {
    const sde = (await op.agent.get('/api/sed-drives?search=/dev/sde')).body.drives[0];
    expect(sde).toMatchObject({ model: 'KINGSTON SUV500120G', ranges: [], rangesReadAt: null });
    const enroll = await op.agent
      .post(`/api/sed-drives/${sde.id}/enrollment`)
      .set('X-CSRF-Token', op.csrf)
      .expect(202);
    expect((await finished(enroll.body.id)).state).toBe('succeeded');
    const read = await op.agent
      .post(`/api/sed-drives/${sde.id}/ranges/refresh`)
      .set('X-CSRF-Token', op.csrf)
      .expect(200);
    // sedutil lists LR0..MaxRanges; only the global range enforces locks after enrollment.
    expect(read.body.ranges.length).toBeGreaterThan(1);
    expect(read.body.ranges[0]).toEqual({
      range: 0,
      start: 0,
      length: 0,
      readLockEnabled: true,
      writeLockEnabled: true,
      readLocked: false,
      writeLocked: false,
    });
    expect(read.body.ranges.slice(1).every((r: { readLockEnabled: boolean }) => !r.readLockEnabled)).toBe(
      true,
    );
    expect(read.body).toMatchObject({ locked: false, rangesReadAt: expect.any(String) });

    const locked = (await lock(sde.id, 'LK')).body;
    expect(locked.locked).toBe(true);
    expect(locked.ranges[0]).toMatchObject({ readLocked: true, writeLocked: true });
    expect(locked.rangesReadAt > read.body.rangesReadAt).toBe(true);

    await sedsim('power-cycle', '/dev/sde');
    const again = await op.agent
      .post(`/api/sed-drives/${sde.id}/ranges/refresh`)
      .set('X-CSRF-Token', op.csrf)
      .expect(200);
    expect(again.body.ranges[0]).toMatchObject({
      readLockEnabled: true,
      readLocked: true,
      writeLocked: true,
    });
    const unlocked = (await lock(sde.id, 'RW')).body;
    expect(unlocked).toMatchObject({ locked: false });
    expect(unlocked.ranges[0]).toMatchObject({ readLocked: false, writeLocked: false });
  });

  it('SP_BUSY, a vanished drive and a swapped device path each give a clear error and change nothing', async () => {
    await sedsim('fault', '/dev/nvme0', 'sp-busy');
    const busy = await lock(nvme0.id, 'LK');
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('SED_BUSY');
    expect((await op.agent.get(`/api/sed-drives/${nvme0.id}`)).body.locked).toBe(false);

    await sedsim('fault', '/dev/nvme0', 'vanish');
    const gone = await lock(nvme0.id, 'LK');
    expect(gone.status).toBe(503);
    expect(gone.body.error.code).toBe('SED_UNREACHABLE');
    await sedsim('fault', '/dev/nvme0', 'clear');

    await sedsim('swap', '/dev/nvme0', '/dev/nvme1');
    const swapped = await lock(nvme0.id, 'LK');
    expect(swapped.status).toBe(409);
    expect(swapped.body.error.code).toBe('SED_IDENTITY_MISMATCH');
    await op.agent.post('/api/sed-drives/discovery').set('X-CSRF-Token', op.csrf).expect(200);
    expect((await op.agent.get(`/api/sed-drives/${nvme0.id}`)).body.devicePath).toBe('/dev/nvme1');
    expect((await lock(nvme0.id, 'LK')).body.locked).toBe(true);
  });

  it('a drive whose credential the console no longer has fails clearly, once, and locks out only after the try limit', async () => {
    const other = (await op.agent.get('/api/sed-drives?search=/dev/sda')).body.drives[0];
    const enroll = await op.agent
      .post(`/api/sed-drives/${other.id}/enrollment`)
      .set('X-CSRF-Token', op.csrf)
      .expect(202);
    expect((await finished(enroll.body.id)).state).toBe('succeeded');
    // Someone changes the Admin1 password behind the console's back: the drive answers NOT_AUTHORIZED.
    await sedsim('fault', '/dev/sda', 'status', 'NOT_AUTHORIZED', '1');
    const denied = await lock(other.id, 'LK');
    expect(denied.status).toBe(502);
    expect(denied.body.error.code).toBe('SED_AUTH_FAILED');
    expect(denied.body.error.message).not.toMatch(/[0-9A-HJKMNP-TV-Z]{52}/);
    await sedsim('fault', '/dev/sda', 'status', 'AUTHORITY_LOCKED_OUT', '1');
    const locked = await lock(other.id, 'LK');
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('SED_LOCKED_OUT');
  });
});
