import { Router } from 'express';
import { API } from '../../../shared/api/routes.ts';
import type { HsmStatusService } from '../../services/hsm-status.service.ts';

export function hsmRoutes(status: HsmStatusService): Router {
  const router = Router();
  router.get(API['hsm.status'].path, async (_req, res) => {
    res.json(await status.status());
  });
  return router;
}
