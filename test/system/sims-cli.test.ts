import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimDeviceEntry } from '../../hardware-sims/tape/serve-fleet.ts';
import { ScsiTapeLibrary } from '../../server/drivers/library/scsi-tape-library.ts';
import { SimSocketTransport } from '../../server/drivers/scsi/sim-socket-transport.ts';

/** `npm run sims -- serve …` as a real process: sockets, devices.json, state, clean SIGTERM. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FAST = { notReadyPollMs: 5, busyDelayMs: 1, notReadyWaitMs: 5_000 };

/** Every server started here, so a failing test cannot leave one running. */
const started = new Set<ReturnType<typeof spawn>>();

function startSims(args: string[]) {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/sims.mjs'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sims did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      if (!out.includes('Ready.')) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sims exited ${code}:\n${out}`));
    });
  });
  return { child, ready, exited, output: () => out };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lw-sims-cli-'));
});
afterAll(async () => {
  for (const child of started) child.kill('SIGTERM'); // the wrapper passes it on to the server
  await rm(dir, { recursive: true, force: true });
});

describe('npm run sims -- serve', () => {
  it('serves the scenario, keeps state in --state across runs, and closes cleanly on SIGTERM', async () => {
    const sockets = path.join(dir, 'sockets');
    const state = path.join(dir, 'state.json');
    const args = ['serve', '--scenario', 'small-lab', '--dir', sockets, '--state', state];
    let sims = startSims(args);
    await sims.ready;
    const devices = JSON.parse(
      await readFile(path.join(sockets, 'devices.json'), 'utf8'),
    ) as SimDeviceEntry[];
    expect(devices.map((d) => d.socket)).toEqual([
      'nst0.sock',
      'nst1.sock',
      'nst2.sock',
      'nst3.sock',
      'sch0.sock',
    ]);
    expect(sims.output()).toContain(`nst0.sock  drive   IBM ULT3580-HH9 serial ${devices[0]!.serial}`);

    const open = async () => {
      const lib = new ScsiTapeLibrary({
        transport: new SimSocketTransport({ path: path.join(sockets, 'sch0.sock') }),
        retry: FAST,
      });
      await lib.open();
      return lib;
    };
    let library = await open();
    await library.mount({ barcode: 'A00007L9', driveSerial: devices[1]!.serial });
    await library.close();

    sims.child.kill('SIGTERM');
    expect(await sims.exited).toBe(0);
    expect(sims.output()).toContain('SIGTERM: closing the sockets');
    expect(existsSync(path.join(sockets, 'nst0.sock'))).toBe(false);
    expect(existsSync(path.join(sockets, 'devices.json'))).toBe(false);

    sims = startSims(args);
    await sims.ready;
    library = await open();
    const inv = await library.getInventory();
    expect(inv.drives[1]).toMatchObject({ full: true, barcode: 'A00007L9' });
    await library.close();
    sims.child.kill('SIGINT');
    expect(await sims.exited).toBe(0);
  }, 60_000);

  it('refuses bad arguments with the usage text and exit status 2', async () => {
    const sims = startSims(['serve', '--scenario', 'nowhere', '--dir', dir]);
    sims.ready.catch(() => undefined);
    expect(await sims.exited).toBe(2);
    expect(sims.output()).toMatch(/unknown scenario nowhere[\s\S]*Usage: npm run sims -- serve/);
  }, 30_000);
});
