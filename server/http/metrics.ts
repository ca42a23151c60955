import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (own registry, so tests can build many apps). */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Histogram<'method' | 'route' | 'status'>;
  readonly logins: Counter<'outcome'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lockwarden_' });
    this.requests = new Histogram({
      name: 'lockwarden_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [this.registry],
    });
    this.logins = new Counter({
      name: 'lockwarden_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
  }

  /** Labels by route template (`/api/users/:id`), never by raw path, to bound cardinality. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.requests.startTimer({ method: req.method });
      res.on('finish', () => {
        const route = (req.route as { path?: string } | undefined)?.path;
        end({ route: route ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) });
      });
      next();
    };
  }
}
