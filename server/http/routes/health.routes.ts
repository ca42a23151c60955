import { Router } from 'express';
import type { ReadinessCheck } from '../../registry/device-registry.ts';

const CHECK_TIMEOUT_MS = 3000;

function withTimeout(p: Promise<void>): Promise<void> {
  return Promise.race([
    p,
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

/**
 * Public probes for load balancers and orchestrators. They reveal only up/down per
 * component, never versions, paths or error text.
 */
export function healthRoutes(checks: () => readonly ReadinessCheck[]): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks().map(async (c) => {
        try {
          await withTimeout(c.check());
          return [c.name, 'ok'] as const;
        } catch {
          return [c.name, 'failing'] as const;
        }
      }),
    );
    const ready = results.every(([, s]) => s === 'ok');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not-ready', checks: Object.fromEntries(results) });
  });
  return router;
}
