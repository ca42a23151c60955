import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SIM_SEDUTIL_CLI } from '../../hardware-sims/sed/sim-sed-drivers.ts';
import { removeTestDir, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { session, sleep, waitFor } from '../helpers/system-session.ts';

/**
 * Issue 4: the console process is SIGKILLed right before and right after each drive-changing
 * sedutil command of an enrollment (the simulator is wrapped by a script that kills its parent,
 * the console, at the Nth such command). After each kill the console restarts, the enrollment
 * resumes and completes, and the drive then locks and unlocks with the escrowed credentials:
 * the database always held what the drive holds.
 */
const PASSWORD = 'sed-sigkill-admin-password';
const dir = mkdtempSync(path.join(tmpdir(), 'lw-sed-kill-'));
const wrapper = path.join(dir, 'sedutil-wrapper.sh');
const counter = path.join(dir, 'count');
const base = {
  LOCKWARDEN_DATA_DIR: path.join(dir, 'data'),
  LOCKWARDEN_ADMIN_PASSWORD: PASSWORD,
  LOCKWARDEN_SCENARIO: 'small-lab',
  LOCKWARDEN_SED_SIM_EXECUTABLE: wrapper,
};
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  removeTestDir(dir);
});

/** The wrapper: read-only actions pass through; the Nth changing one kills the console. */
function writeWrapper(killAt: number, when: 'before' | 'after'): void {
  writeFileSync(
    wrapper,
    `#!/bin/sh
case " $* " in
  *" --query "*|*" --scan "*|*" --isValidSED "*|*" --printDefaultPassword "*|*" --help"*|*" --version"*|*" --listLockingRanges "*)
    exec "${SIM_SEDUTIL_CLI}" "$@";;
esac
n=$(( $(cat "${counter}" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "${counter}"
if [ "$n" = "${killAt}" ] && [ "${when}" = before ]; then kill -9 "$PPID"; exit 137; fi
"${SIM_SEDUTIL_CLI}" "$@"; rc=$?
if [ "$n" = "${killAt}" ] && [ "${when}" = after ]; then kill -9 "$PPID"; fi
exit $rc
`,
  );
  chmodSync(wrapper, 0o755);
  writeFileSync(counter, '0');
}

describe('SED enrollment under SIGKILL around each drive command', () => {
  it('resumes to a drive whose credentials the database holds, at every kill point', async () => {
    writeWrapper(0, 'before');
    server = await startServer(base);
    let call = await session(server.url, 'admin', PASSWORD);
    await call('POST', '/api/sed-drives/discovery');
    const drives = (
      (await call('GET', '/api/sed-drives?state=discovered&limit=50')).body.drives as {
        id: string;
        serial: string;
        ssc: string;
        devicePath: string;
      }[]
    ).filter((d) => d.ssc === 'opal2' && !['/dev/nvme2', '/dev/nvme3'].includes(d.devicePath)); // those two are owned or Block-SID'd

    // Each kill point gets its own factory-fresh drive. Enrollment changes the drive with
    // takeOwnership, activateLockingSP, then the range and MBR settings (reference §6).
    const points: [number, 'before' | 'after'][] = [
      [1, 'before'],
      [1, 'after'],
      [2, 'before'],
      [2, 'after'],
      [3, 'before'],
      [3, 'after'],
    ];
    expect(drives.length).toBeGreaterThanOrEqual(points.length);
    const killed: string[] = [];
    for (const [i, [at, when]] of points.entries()) {
      const drive = drives[i]!;
      await server.stop();
      writeWrapper(at, when);
      server = await startServer(base);
      call = await session(server.url, 'admin', PASSWORD);
      const started = await call('POST', `/api/sed-drives/${drive.id}/enrollment`);
      expect(started.status).toBe(202);
      const code = await Promise.race([
        new Promise<number | null>((resolve) => server!.child.once('exit', (c) => resolve(c))),
        sleep(60_000).then(() => 'alive' as const),
      ]);
      if (code !== 'alive') killed.push(`${at}-${when}`);
      // Restart without the trap: the job resumes and must finish.
      writeWrapper(0, 'before');
      await server.stop('SIGKILL');
      server = await startServer(base);
      call = await session(server.url, 'admin', PASSWORD);
      const job = await waitFor(async () => {
        const j = await call('GET', `/api/jobs/${String(started.body.id)}`);
        return ['succeeded', 'failed'].includes(String(j.body.state)) ? j.body : undefined;
      });
      expect(
        job,
        `${drive.serial} after a kill ${when} command ${at}: ${String(job.errorCode)} ${String(job.errorMessage)}`,
      ).toMatchObject({ state: 'succeeded' });
      // The escrowed Admin1 works on the drive: lock, then unlock.
      const locked = await call('POST', `/api/sed-drives/${drive.id}/lock-state`, { range: 0, mode: 'LK' });
      expect(locked.status, JSON.stringify(locked.body)).toBe(200);
      expect(locked.body.locked).toBe(true);
      const unlocked = await call('POST', `/api/sed-drives/${drive.id}/lock-state`, { range: 0, mode: 'RW' });
      expect(unlocked.body.locked).toBe(false);
    }
    expect(killed.length).toBe(points.length);
    console.info(`SED enrollment killed at ${killed.join(', ')}`);
  }, 900_000);

  it('resumes a credential rotation killed before or after each drive command', async () => {
    writeWrapper(0, 'before');
    await server?.stop();
    server = await startServer(base);
    let call = await session(server.url, 'admin', PASSWORD);
    const drive = (
      (await call('GET', '/api/sed-drives?state=discovered&limit=50')).body.drives as {
        id: string;
        ssc: string;
        devicePath: string;
      }[]
    ).find((d) => d.ssc === 'opal2' && !['/dev/nvme2', '/dev/nvme3', '/dev/nvme4'].includes(d.devicePath));
    expect(drive).toBeDefined();
    const id = drive!.id;
    const enrolled = await call('POST', `/api/sed-drives/${id}/enrollment`);
    await waitFor(async () => {
      const j = await call('GET', `/api/jobs/${String(enrolled.body.id)}`);
      return j.body.state === 'succeeded' ? true : undefined;
    });
    const points: [number, 'before' | 'after'][] = [
      [1, 'before'],
      [1, 'after'],
      [2, 'before'],
      [2, 'after'],
    ];
    for (const [at, when] of points) {
      await server.stop();
      writeWrapper(at, when);
      server = await startServer(base);
      call = await session(server.url, 'admin', PASSWORD);
      const started = await call('POST', `/api/sed-drives/${id}/rotation`);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      await Promise.race([new Promise((resolve) => server!.child.once('exit', resolve)), sleep(60_000)]);
      writeWrapper(0, 'before');
      await server.stop('SIGKILL');
      server = await startServer(base);
      call = await session(server.url, 'admin', PASSWORD);
      const job = await waitFor(async () => {
        const j = await call('GET', `/api/jobs/${String(started.body.id)}`);
        return ['succeeded', 'failed'].includes(String(j.body.state)) ? j.body : undefined;
      });
      expect(job, `rotation killed ${when} command ${at}: ${String(job.errorMessage)}`).toMatchObject({
        state: 'succeeded',
      });
      const locked = await call('POST', `/api/sed-drives/${id}/lock-state`, { range: 0, mode: 'LK' });
      expect(locked.status, JSON.stringify(locked.body)).toBe(200);
      const unlocked = await call('POST', `/api/sed-drives/${id}/lock-state`, { range: 0, mode: 'RW' });
      expect(unlocked.body.locked).toBe(false);
    }
  }, 900_000);
});
