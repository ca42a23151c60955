import type { Config } from './config.ts';
import { DomainEvents } from './domain/events.ts';
import type { Store } from './domain/repositories.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { cryptoIds, type IdGen } from './platform/ids.ts';
import { ApiTokensService } from './services/api-tokens.service.ts';
import { AuditService } from './services/audit.service.ts';
import { AuthService } from './services/auth/auth.service.ts';
import { LoginLimiter } from './services/auth/login-limiter.ts';
import { DEFAULT_SCRYPT_COST, PasswordHasher, type ScryptCost } from './services/auth/password-hasher.ts';
import { UsersService } from './services/users.service.ts';

export interface Services {
  events: DomainEvents;
  audit: AuditService;
  auth: AuthService;
  users: UsersService;
  tokens: ApiTokensService;
}

export interface BuildServicesOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  ids?: IdGen;
  /** Tests lower the scrypt cost; production keeps the default. */
  scryptCost?: ScryptCost;
}

/** Builds the services from their ports. Used by main.ts and by the tests, identically. */
export function buildServices(opts: BuildServicesOptions): Services {
  const { config, store } = opts;
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? cryptoIds;
  const events = new DomainEvents();
  const hasher = new PasswordHasher(opts.scryptCost ?? DEFAULT_SCRYPT_COST);
  const audit = new AuditService(store, clock, events);
  const auth = new AuthService({
    store,
    hasher,
    limiter: new LoginLimiter(config.loginLimits),
    audit,
    events,
    clock,
    ids,
    policy: config.session,
  });
  const users = new UsersService({ store, hasher, audit, events, clock, ids });
  const tokens = new ApiTokensService({ store, audit, clock, ids });
  return { events, audit, auth, users, tokens };
}
