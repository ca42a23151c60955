import type { HsmStatusDto } from '../../shared/schemas/hsm.ts';
import type { HsmDriver } from '../drivers/hsm/hsm-driver.ts';
import type { Clock } from '../platform/clock.ts';

/** The HSM as a device for the dashboard and the readiness probe. */
export class HsmStatusService {
  constructor(
    private readonly d: { hsm: Pick<HsmDriver, 'getStatus'>; kind: 'softhsm' | 'pkcs11'; clock: Clock },
  ) {}

  async status(): Promise<HsmStatusDto> {
    const checkedAt = this.d.clock.now().toISOString();
    try {
      const s = await this.d.hsm.getStatus({ timeoutMs: 5000 });
      return {
        reachable: true,
        kind: this.d.kind,
        error: null,
        module: s.module,
        token: s.token,
        isLoggedIn: s.isLoggedIn,
        memory: s.memory,
        mechanisms: s.mechanisms,
        latencyMs: s.latencyMs,
        checkedAt,
      };
    } catch (err) {
      return {
        reachable: false,
        kind: this.d.kind,
        error: err instanceof Error ? err.message : 'unknown error',
        module: null,
        token: null,
        isLoggedIn: false,
        memory: null,
        mechanisms: {},
        latencyMs: null,
        checkedAt,
      };
    }
  }

  /** For /readyz: resolves when the token answers and the session is logged in. */
  async check(): Promise<void> {
    const s = await this.d.hsm.getStatus({ timeoutMs: 3000 });
    if (!s.isLoggedIn) throw new Error('HSM session not logged in');
  }
}
