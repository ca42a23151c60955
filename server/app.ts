import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config.ts';
import type { Services } from './compose.ts';
import type { Store } from './domain/repositories.ts';
import type { Logger } from './platform/logger.ts';
import type { DeviceRegistry } from './registry/device-registry.ts';
import { HttpMetrics } from './http/metrics.ts';
import { allow, requireAuth } from './http/middleware/authenticate.ts';
import { errorHandler, notFound } from './http/middleware/error-handler.ts';
import { jsonOnly } from './http/middleware/json-only.ts';
import { requestContext } from './http/request-context.ts';
import { approvalsRoutes } from './http/routes/approvals.routes.ts';
import { auditRoutes } from './http/routes/audit.routes.ts';
import { certificatesRoutes } from './http/routes/certificates.routes.ts';
import { hsmRoutes } from './http/routes/hsm.routes.ts';
import { jobsRoutes } from './http/routes/jobs.routes.ts';
import { keysRoutes } from './http/routes/keys.routes.ts';
import { sedRoutes } from './http/routes/sed.routes.ts';
import { tapeRoutes } from './http/routes/tape.routes.ts';
import { eraseRoutes } from './http/routes/erase.routes.ts';
import { authRoutes, publicAuthRoutes } from './http/routes/auth.routes.ts';
import { fleetRoutes } from './http/routes/fleet.routes.ts';
import { healthRoutes } from './http/routes/health.routes.ts';
import { tokensRoutes } from './http/routes/tokens.routes.ts';
import { usersRoutes } from './http/routes/users.routes.ts';
import { dashboardRoutes } from './http/static.ts';
import { attachSocketServer, type LockwardenIo } from './socket/index.ts';

export interface AppDeps {
  config: Config;
  logger: Logger;
  store: Store;
  registry: DeviceRegistry;
  services: Services;
  /** Where the built dashboard lives (default: client/dist in the repository). */
  clientDistDir?: string;
  /** How often open sockets are checked against their sessions (tests shorten it). */
  socketRecheckMs?: number;
}

export const DEFAULT_CLIENT_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../client/dist',
);

/** Builds the Express app, HTTP server and socket.io server, without listening. */
export function createApp(deps: AppDeps): { app: Express; httpServer: HttpServer; io: LockwardenIo } {
  const { config, logger, services } = deps;
  const app = express();
  const metrics = new HttpMetrics();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  app.use(requestContext(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Plain-HTTP consoles (the loopback default) must not have their requests upgraded.
          upgradeInsecureRequests: config.secureCookies ? [] : null,
          'connect-src': ["'self'"],
        },
      },
      strictTransportSecurity: config.secureCookies,
    }),
  );
  app.use(metrics.middleware());

  app.use(healthRoutes(() => deps.registry.readinessChecks()));
  // A CSV of a large cartridge delivery is bigger than any other request: its own limit.
  app.use('/api/tape/enrollments', jsonOnly, express.json({ limit: '2500kb', strict: true }));
  app.use('/api', jsonOnly, express.json({ limit: config.bodyLimitBytes, strict: true }));

  const authDeps = {
    auth: services.auth,
    metrics,
    secureCookies: config.secureCookies,
    absoluteTimeoutHours: config.session.absoluteTimeoutHours,
  };
  app.use(publicAuthRoutes(authDeps));

  // Everything below needs an authenticated principal.
  app.get(
    '/metrics',
    requireAuth(services.auth),
    allow('admin', 'auditor', 'operator', 'security-officer'),
    async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );
  app.use('/api', requireAuth(services.auth));
  app.use(authRoutes(authDeps));
  app.use(usersRoutes(services.users));
  app.use(tokensRoutes(services.tokens));
  app.use(auditRoutes(services.audit, services.seals));
  app.use(certificatesRoutes(services.certificates));
  app.use(keysRoutes({ domains: services.domains, secrets: services.secrets, keks: services.keks }));
  app.use(approvalsRoutes(services.approvals, services.approvalPolicy));
  app.use(jobsRoutes({ store: deps.store, runner: services.jobs }));
  app.use(hsmRoutes(services.hsmStatus));
  app.use(sedRoutes(services));
  app.use(tapeRoutes(services));
  app.use(eraseRoutes(services));
  app.use(fleetRoutes(deps.registry));
  app.use('/api', notFound);

  app.use(dashboardRoutes(deps.clientDistDir ?? DEFAULT_CLIENT_DIST));
  app.use(notFound);
  app.use(errorHandler(logger));

  const httpServer = createServer(app);
  const io = attachSocketServer(httpServer, {
    auth: services.auth,
    events: services.events,
    logger,
    ...(deps.socketRecheckMs !== undefined && { recheckMs: deps.socketRecheckMs }),
  });
  return { app, httpServer, io };
}
