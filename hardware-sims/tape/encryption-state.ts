import { SCOPE } from '../../server/drivers/tape/encryption-constants.ts';

/**
 * The drive's data-encryption parameters (reference §2.6 semantics, §3.2, Appendix A): one
 * ALL-I_T-NEXUS set seen by every nexus whose scope is PUBLIC, plus optional LOCAL sets per
 * nexus, a global key instance counter, and per-nexus LOCK. Keys live in memory only: a
 * restored (persisted) drive comes back with none, as a power-cycled drive does.
 */
export interface ParameterSet {
  scope: 'all' | 'local';
  encryptionMode: number;
  decryptionMode: number;
  algorithmIndex: number;
  /** Plaintext key (zeroed when the set is cleared); null when no key was needed. */
  key: Uint8Array | null;
  ukad?: Uint8Array;
  akad?: Uint8Array;
  kadFormat: number;
  ceem: number;
  rdmc: number;
  ckod: boolean;
  ckorp: boolean;
  ckorl: boolean;
  /** The key instance counter value this set was established with. */
  keyInstance: number;
  setBy: number;
}

interface NexusEncryption {
  local: ParameterSet | null;
  /** LOCK: the key instance the nexus locked to. */
  lockedTo?: number;
}

export class EncryptionState {
  keyInstanceCounter = 0;
  #all: ParameterSet | null = null;
  readonly #nexus = new Map<number, NexusEncryption>();

  #of(nexus: number): NexusEncryption {
    let n = this.#nexus.get(nexus);
    if (!n) this.#nexus.set(nexus, (n = { local: null }));
    return n;
  }

  /** The parameters in effect for a nexus: its LOCAL set, else the ALL-I_T-NEXUS set. */
  effective(nexus: number): ParameterSet | null {
    return this.#nexus.get(nexus)?.local ?? this.#all;
  }

  /** I_T NEXUS SCOPE and KEY SCOPE as page 0x0020 reports them. */
  scopes(nexus: number): { itNexusScope: number; keyScope: number } {
    const p = this.effective(nexus);
    if (!p) return { itNexusScope: SCOPE.PUBLIC, keyScope: SCOPE.PUBLIC };
    const s = p.scope === 'local' ? SCOPE.LOCAL : SCOPE.ALL_I_T_NEXUS;
    return { itNexusScope: s, keyScope: s };
  }

  /** Establishes a set; returns the nexuses (other than the sender) that now see new parameters. */
  establish(
    nexus: number,
    p: Omit<ParameterSet, 'keyInstance' | 'setBy'>,
    allNexuses: readonly number[],
  ): number[] {
    const set: ParameterSet = { ...p, keyInstance: ++this.keyInstanceCounter, setBy: nexus };
    const own = this.#of(nexus);
    if (set.scope === 'local') {
      wipe(own.local);
      own.local = set;
      return [];
    }
    wipe(own.local);
    own.local = null;
    if (this.#all && this.#all !== set) wipe(this.#all);
    this.#all = set;
    return allNexuses.filter((n) => n !== nexus && !this.#nexus.get(n)?.local);
  }

  /** SCOPE = PUBLIC: the nexus drops its LOCAL set and follows the ALL-I_T-NEXUS one. */
  goPublic(nexus: number): void {
    const own = this.#of(nexus);
    wipe(own.local);
    own.local = null;
  }

  setLock(nexus: number, locked: boolean): void {
    const own = this.#of(nexus);
    if (locked) own.lockedTo = this.effective(nexus)?.keyInstance ?? this.keyInstanceCounter;
    else delete own.lockedTo;
  }

  /** A LOCKed nexus whose key changed under it (DATA PROTECT 2A/13 on medium access). */
  lockBroken(nexus: number): boolean {
    const locked = this.#nexus.get(nexus)?.lockedTo;
    if (locked === undefined) return false;
    return (this.effective(nexus)?.keyInstance ?? this.keyInstanceCounter) !== locked;
  }

  /** CKOD at demount: clears every set that asked for it. Returns true when something was cleared. */
  clearOnDemount(): boolean {
    let cleared = false;
    if (this.#all?.ckod) {
      wipe(this.#all);
      this.#all = null;
      cleared = true;
    }
    for (const n of this.#nexus.values()) {
      if (n.local?.ckod) {
        wipe(n.local);
        n.local = null;
        cleared = true;
      }
    }
    return cleared;
  }

  /** I_T nexus loss: LOCAL parameters and the lock go (and CKORL sets it established). */
  nexusLost(nexus: number): void {
    wipe(this.#nexus.get(nexus)?.local ?? null);
    this.#nexus.delete(nexus);
    if (this.#all?.ckorl && this.#all.setBy === nexus) {
      wipe(this.#all);
      this.#all = null;
    }
  }

  /** Power cycle: every key forgotten. */
  reset(): void {
    wipe(this.#all);
    this.#all = null;
    for (const n of this.#nexus.values()) wipe(n.local);
    this.#nexus.clear();
  }
}

function wipe(p: ParameterSet | null): void {
  p?.key?.fill(0);
}
