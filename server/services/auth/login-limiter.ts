import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../domain/errors.ts';

export interface LoginLimits {
  failuresPerUser: number;
  attemptsPerAddress: number;
  windowMinutes: number;
}

/**
 * Slows password guessing two ways: failed logins per username (also for names that do not
 * exist, so the limiter does not reveal which do) and all attempts per client address. State
 * is per process; with several console instances each enforces its own window.
 */
export class LoginLimiter {
  private readonly perUser: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;

  constructor(limits: LoginLimits) {
    const duration = limits.windowMinutes * 60;
    this.perUser = new RateLimiterMemory({ keyPrefix: 'u', points: limits.failuresPerUser, duration });
    this.perAddress = new RateLimiterMemory({ keyPrefix: 'a', points: limits.attemptsPerAddress, duration });
  }

  /** Counts an attempt from `address` and refuses if either window is exhausted. */
  async admit(username: string, address: string): Promise<void> {
    try {
      await this.perAddress.consume(address);
    } catch (res) {
      throw this.limited(res);
    }
    const user = await this.perUser.get(username.toLowerCase());
    if (user !== null && user.remainingPoints <= 0) throw this.limited(user);
  }

  async recordFailure(username: string): Promise<void> {
    await this.perUser.penalty(username.toLowerCase(), 1);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.perUser.delete(username.toLowerCase());
  }

  private limited(res: unknown): AppError {
    const ms = res instanceof RateLimiterRes ? res.msBeforeNext : 60_000;
    const retryAfterSeconds = Math.max(1, Math.ceil(ms / 1000));
    return new AppError('AUTH_RATE_LIMITED', `Too many login attempts; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}
