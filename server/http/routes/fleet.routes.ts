import { Router } from 'express';
import { API } from '../../../shared/api/routes.ts';
import type { DeviceRegistry } from '../../registry/device-registry.ts';

export function fleetRoutes(registry: DeviceRegistry): Router {
  const router = Router();
  router.get(API['fleet.summary'].path, async (_req, res) => {
    res.json(await registry.summary());
  });
  return router;
}
