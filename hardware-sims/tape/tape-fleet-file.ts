import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TapeFleet, type TapeFleetOptions, type TapeFleetState } from './fleet.ts';
import type { TapeScenario } from './scenarios.ts';

/**
 * The tape fleet in one JSON file under the data directory. One process owns the emulators
 * (the console in process, or `sims serve`), so there is no cross-process locking: the file is
 * written whole to a temp name and renamed over the old one, so a crash leaves one or the other.
 */
export async function loadTapeFleet(
  path: string,
  scenario: TapeScenario['name'],
  opts: TapeFleetOptions = {},
): Promise<TapeFleet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const fleet = TapeFleet.create(scenario, opts);
    await saveTapeFleet(path, fleet);
    return fleet;
  }
  return TapeFleet.fromState(JSON.parse(text) as TapeFleetState, opts);
}

export async function saveTapeFleet(path: string, fleet: TapeFleet): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(fleet.toState()));
  await rename(temp, path);
}

/**
 * Saves the fleet `delayMs` after the last command any of its devices ran (and on `flush`).
 * Operator actions made through the emulator APIs call `touch()`.
 */
export function autosaveTapeFleet(
  path: string,
  fleet: TapeFleet,
  delayMs = 500,
): { touch(): void; flush(): Promise<void>; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    saving = saving.then(() => saveTapeFleet(path, fleet));
    return saving;
  };
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void flush().catch(() => undefined), delayMs);
  };
  const devices = [...fleet.drives, ...fleet.libraries];
  for (const d of devices) d.afterCommand.add(touch);
  return {
    touch,
    flush,
    async stop() {
      for (const d of devices) d.afterCommand.delete(touch);
      if (timer) await flush();
      await saving;
    },
  };
}
