import { Router } from 'express';
import type { CreateEraseRequest } from '../../../shared/schemas/erase.ts';
import { API } from '../../../shared/api/routes.ts';
import { IdParamSchema } from '../../../shared/schemas/auth.ts';
import type { Services } from '../../compose.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

const REQUESTERS = ['admin', 'security-officer', 'operator'] as const;

/** Retirement requests: anyone who operates devices may ask; a second person approves (approvals routes). */
export function eraseRoutes(services: Pick<Services, 'erase'>): Router {
  const router = Router();
  router.get(API['erase.list'].path, async (_req, res) => {
    res.json({ requests: await services.erase.list() });
  });
  router.get(API['erase.get'].path, validate({ params: IdParamSchema }), async (_req, res) => {
    res.json(await services.erase.get(paramsOf<{ id: string }>(res).id));
  });
  router.post(
    API['erase.create'].path,
    allow(...REQUESTERS),
    validate({ body: API['erase.create'].body }),
    async (req, res) => {
      res
        .status(201)
        .json(
          await services.erase.create(principalOf(res), bodyOf<CreateEraseRequest>(res), metaOf(req, res)),
        );
    },
  );
  router.post(
    API['erase.cancel'].path,
    allow(...REQUESTERS),
    validate({ params: IdParamSchema }),
    async (req, res) => {
      res.json(
        await services.erase.cancel(principalOf(res), paramsOf<{ id: string }>(res).id, metaOf(req, res)),
      );
    },
  );
  return router;
}
