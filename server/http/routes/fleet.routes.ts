import { Router } from 'express';
import { API } from '../../../shared/api/routes.ts';
import type { DeviceRegistry } from '../../registry/device-registry.ts';

export function fleetRoutes(registry: DeviceRegistry): Router {
  const router = Router();
  router.get(API['fleet.summary'].path, (_req, res) => {
    res.json(registry.summary());
  });
  return router;
}
