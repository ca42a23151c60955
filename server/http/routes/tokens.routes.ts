import { Router } from 'express';
import type { z } from 'zod';
import { API } from '../../../shared/api/routes.ts';
import { IdParamSchema, type CreateApiTokenRequestSchema } from '../../../shared/schemas/auth.ts';
import type { ApiTokensService } from '../../services/api-tokens.service.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { validate } from '../middleware/validate.ts';

/** Every role may hold API tokens; each user sees and revokes only their own. */
export function tokensRoutes(tokens: ApiTokensService): Router {
  const router = Router();
  router.get(API['tokens.list'].path, async (_req, res) => {
    res.json({ tokens: await tokens.list(principalOf(res)) });
  });
  router.post(API['tokens.create'].path, validate({ body: API['tokens.create'].body }), async (req, res) => {
    const body = bodyOf<z.infer<typeof CreateApiTokenRequestSchema>>(res);
    res.status(201).json(await tokens.create(principalOf(res), body, metaOf(req, res)));
  });
  router.delete(API['tokens.revoke'].path, validate({ params: IdParamSchema }), async (req, res) => {
    await tokens.revoke(principalOf(res), paramsOf<{ id: string }>(res).id, metaOf(req, res));
    res.status(204).end();
  });
  return router;
}
