import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertFleetState, type FleetStore, type FleetUpdate } from './fleet-store.ts';
import { buildScenario } from './scenarios.ts';
import type { FleetState } from './sim-types.ts';

/** A lock older than this belongs to a process that died inside its critical section. */
const STALE_LOCK_MS = 10_000;
/** Hundreds of processes queue for the lock during "unlock all" on a 2-core machine. */
const LOCK_DEADLINE_MS = 120_000;

const isErrno = (e: unknown, code: string) => (e as NodeJS.ErrnoException | null)?.code === code;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return !isErrno(e, 'ESRCH');
  }
}

/**
 * The fleet in a JSON file shared by every `sedutil-cli` / `sedsim` process (dozens run at once
 * during "unlock all"). Readers never lock: writes go to a temp file that is renamed over the
 * state, so a reader sees the old or the new file, never half of one. Writers take a lock file
 * (O_EXCL) with jittered retries; a lock whose owner died is broken. A missing state file is
 * created, under the lock, from `scenario`. No fsync: a simulator need not survive power loss.
 */
export class FileFleetStore implements FleetStore {
  readonly #lockPath: string;
  /** The last state read, valid while the file's identity (inode, size, mtime) is unchanged. */
  #cache: { key: string; state: FleetState } | null = null;

  constructor(
    readonly path: string,
    private readonly scenario: string,
  ) {
    this.#lockPath = `${path}.lock`;
  }

  /** A snapshot to look at: do not change it (it may be shared with the next read). */
  async read(): Promise<FleetState> {
    const key = await this.#fileKey();
    if (key !== null && this.#cache?.key === key) return this.#cache.state;
    const existing = await this.#load();
    if (existing && key !== null) this.#cache = { key, state: existing };
    return existing ?? this.update((s) => s);
  }

  async update<T>(fn: (state: FleetState, tx: FleetUpdate) => T): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.#lock();
    try {
      const loaded = await this.#load();
      const state = loaded ?? buildScenario(this.scenario);
      let changed = true;
      const result = fn(state, { unchanged: () => (changed = false) });
      if (changed || !loaded) await this.#write(state);
      return result;
    } finally {
      await unlink(this.#lockPath).catch(() => {});
    }
  }

  /** Replaces the whole fleet (sedsim reset). */
  async replace(state: FleetState): Promise<void> {
    await this.update((s) => {
      s.scenario = state.scenario;
      s.drives = state.drives;
    });
  }

  async #load(): Promise<FleetState | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return null;
      throw e;
    }
    const value: unknown = JSON.parse(text);
    assertFleetState(value, this.path);
    return value;
  }

  async #write(state: FleetState): Promise<void> {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(state));
    await rename(tmp, this.path);
    this.#cache = null;
  }

  async #fileKey(): Promise<string | null> {
    try {
      const s = await stat(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return null;
    }
  }

  async #lock(): Promise<void> {
    const deadline = Date.now() + LOCK_DEADLINE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const fh = await open(this.#lockPath, 'wx');
        await fh.writeFile(String(process.pid));
        await fh.close();
        return;
      } catch (e) {
        if (!isErrno(e, 'EEXIST')) throw e;
      }
      // Checking the owner costs two syscalls: only now and then, not on every retry.
      if (attempt % 16 === 15 && (await this.#isStale())) {
        await unlink(this.#lockPath).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${this.#lockPath}`);
      // Backoff with jitter: dozens of waiters must not spin on open() while the owner works.
      await sleep(Math.min(1 + attempt, 20) * (0.5 + Math.random()));
    }
  }

  async #isStale(): Promise<boolean> {
    try {
      const [info, owner] = await Promise.all([stat(this.#lockPath), readFile(this.#lockPath, 'utf8')]);
      const pid = Number(owner);
      // An empty file is a lock being written right now, unless it is old.
      if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) return true;
      return Date.now() - info.mtimeMs > STALE_LOCK_MS;
    } catch {
      return false; // gone already: just retry
    }
  }
}
