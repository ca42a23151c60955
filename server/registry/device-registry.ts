import type { DeviceClass, FleetSummary } from '../../shared/schemas/fleet.ts';
import type { Config } from '../config.ts';
import type { HsmDriver } from '../drivers/hsm/hsm-driver.ts';
import { getScenario, type Scenario } from '../../hardware-sims/scenarios/index.ts';

/** A health probe the readiness endpoint runs (database, HSM, …). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * The one place that turns configuration into driver implementations, real or simulated
 * (ARCHITECTURE.md §2). Device classes whose driver has not been built yet report
 * `available: false` rather than pretending to have devices.
 */
export class DeviceRegistry {
  readonly scenario: Scenario | null;
  private readonly checks: ReadinessCheck[] = [];
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(private readonly config: Config) {
    this.scenario = config.scenario === 'none' ? null : getScenario(config.scenario);
  }

  private hsmDriver: HsmDriver | undefined;

  setHsm(driver: HsmDriver): void {
    this.hsmDriver = driver;
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  readinessChecks(): readonly ReadinessCheck[] {
    return this.checks;
  }

  onClose(fn: () => Promise<void>): void {
    this.closers.push(fn);
  }

  private kind(deviceClass: DeviceClass): 'sim' | 'real' {
    const d = this.config.drivers;
    if (deviceClass === 'hsm') return d.hsm.kind === 'softhsm' ? 'sim' : 'real';
    if (deviceClass === 'sed') return d.sed.kind;
    return d.tape.kind === 'real' ? 'real' : 'sim';
  }

  private tapeCounter: (() => { drives: number; libraries: number }) | undefined;

  /** Registers the tape drivers' presence and how many drives and libraries they hold. */
  setTape(count: () => { drives: number; libraries: number }): void {
    this.tapeCounter = count;
  }

  private sedCounter: (() => Promise<number>) | undefined;

  /** Registers the SED driver's presence and how to count the drives it manages. */
  setSed(countDrives: () => Promise<number>): void {
    this.sedCounter = countDrives;
  }

  async summary(): Promise<FleetSummary> {
    const classes: DeviceClass[] = ['hsm', 'sed', 'tape-drive', 'tape-library'];
    const sedCount = this.sedCounter ? await this.sedCounter() : 0;
    return {
      scenario: this.scenario?.name ?? null,
      classes: classes.map((deviceClass) => {
        if (deviceClass === 'hsm') {
          const present = this.hsmDriver !== undefined;
          return {
            deviceClass,
            driverKind: this.kind(deviceClass),
            available: present,
            deviceCount: present ? 1 : 0,
          };
        }
        if (deviceClass === 'sed') {
          return {
            deviceClass,
            driverKind: this.kind(deviceClass),
            available: this.sedCounter !== undefined,
            deviceCount: sedCount,
          };
        }
        const tape = this.tapeCounter?.();
        return {
          deviceClass,
          driverKind: this.kind(deviceClass),
          available: tape !== undefined,
          deviceCount: tape ? (deviceClass === 'tape-drive' ? tape.drives : tape.libraries) : 0,
        };
      }),
    };
  }

  async close(): Promise<void> {
    for (const fn of this.closers.reverse()) await fn();
  }
}
