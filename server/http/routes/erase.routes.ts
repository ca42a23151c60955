import { Router } from 'express';
import { z } from 'zod';
import { toItemDto } from '../../services/erase/erase-requests.service.ts';
import type { CreateEraseRequest, PsidRevert } from '../../../shared/schemas/erase.ts';
import { AppError } from '../../domain/errors.ts';
import { API } from '../../../shared/api/routes.ts';
import { IdParamSchema } from '../../../shared/schemas/auth.ts';
import type { Services } from '../../compose.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

const REQUESTERS = ['admin', 'security-officer', 'operator'] as const;

/** Retirement requests: anyone who operates devices may ask; a second person approves (approvals routes). */
export function eraseRoutes(services: Pick<Services, 'erase' | 'psidRevert'>): Router {
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
  // The PSID is in the body only (never a URL), used for one drive call and dropped.
  router.post(
    API['erase.psidRevert'].path,
    allow(...REQUESTERS),
    validate({ params: ItemParamsSchema, body: API['erase.psidRevert'].body }),
    async (req, res) => {
      if (!services.psidRevert)
        throw new AppError('SERVICE_UNAVAILABLE', 'No SED driver is configured on this console');
      const { id, itemId } = paramsOf<{ id: string; itemId: string }>(res);
      const { psid } = bodyOf<PsidRevert>(res);
      res.locals.body = undefined;
      req.body = undefined;
      const item = await services.psidRevert.run(principalOf(res), id, itemId, psid, metaOf(req, res));
      res.json(toItemDto(item));
    },
  );
  return router;
}

const ItemParamsSchema = z.strictObject({ id: IdParamSchema.shape.id, itemId: IdParamSchema.shape.id });
