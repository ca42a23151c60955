import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { API } from '../../../shared/api/routes.ts';
import { IdParamSchema } from '../../../shared/schemas/auth.ts';
import type {
  SedDriveListQuerySchema,
  SedLockRequestSchema,
  SedUnlockAllRequestSchema,
} from '../../../shared/schemas/sed.ts';
import { AppError } from '../../domain/errors.ts';
import type { Services } from '../../compose.ts';
import { toSedDriveDto } from '../../services/sed/sed-inventory.service.ts';
import { bodyOf, metaOf, paramsOf, principalOf, queryOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';
import { toJobDto } from './jobs.routes.ts';

const OPERATORS = ['admin', 'security-officer', 'operator'] as const;
const KEY_ADMINS = ['admin', 'security-officer'] as const;
const RevealParamsSchema = z.strictObject({
  id: z.string().min(1).max(64),
  approvalId: z.string().min(1).max(64),
});

export function sedRoutes(services: Pick<Services, 'sed'>): Router {
  const router = Router();
  const sed = () => {
    if (!services.sed)
      throw new AppError('SERVICE_UNAVAILABLE', 'No SED driver is configured (drivers.sed.kind)');
    return services.sed;
  };
  const actorCtx: (
    res: Parameters<RequestHandler>[1],
    req: Parameters<RequestHandler>[0],
  ) => { actor: string; requestId: string } = (res, req) => ({
    actor: principalOf(res).user.username,
    requestId: metaOf(req, res).requestId,
  });

  router.get(API['sed.list'].path, validate({ query: API['sed.list'].query }), async (_req, res) => {
    const q = queryOf<z.infer<typeof SedDriveListQuerySchema>>(res);
    const page = await sed().inventory.list(q);
    res.json({ drives: page.items.map(toSedDriveDto), total: page.total });
  });
  router.post(API['sed.discover'].path, allow(...OPERATORS), async (req, res) => {
    const { actor, requestId } = actorCtx(res, req);
    res.json(await sed().inventory.discover(actor, requestId));
  });
  router.post(
    API['sed.unlockAll'].path,
    allow(...OPERATORS),
    validate({ body: API['sed.unlockAll'].body }),
    async (req, res) => {
      const { host } = bodyOf<z.infer<typeof SedUnlockAllRequestSchema>>(res);
      res
        .status(202)
        .json(toJobDto(await sed().workflows.unlockAll(principalOf(res), host, metaOf(req, res))));
    },
  );
  router.get(API['sed.get'].path, validate({ params: IdParamSchema }), async (_req, res) => {
    res.json(toSedDriveDto(await sed().inventory.require(paramsOf<{ id: string }>(res).id)));
  });
  router.post(
    API['sed.enroll'].path,
    allow(...OPERATORS),
    validate({ params: IdParamSchema }),
    async (req, res) => {
      res
        .status(202)
        .json(
          toJobDto(
            await sed().workflows.enroll(
              principalOf(res),
              paramsOf<{ id: string }>(res).id,
              metaOf(req, res),
            ),
          ),
        );
    },
  );
  router.post(
    API['sed.lock'].path,
    allow(...OPERATORS),
    validate({ params: IdParamSchema, body: API['sed.lock'].body }),
    async (req, res) => {
      const { range, mode } = bodyOf<z.infer<typeof SedLockRequestSchema>>(res);
      const drive = await sed().locks.setLock(
        paramsOf<{ id: string }>(res).id,
        range,
        mode,
        actorCtx(res, req),
      );
      res.json(toSedDriveDto(drive));
    },
  );
  router.post(
    API['sed.refreshRanges'].path,
    allow(...OPERATORS),
    validate({ params: IdParamSchema }),
    async (req, res) => {
      const drive = await sed().locks.readRanges(paramsOf<{ id: string }>(res).id, actorCtx(res, req));
      res.json(toSedDriveDto(drive));
    },
  );
  router.post(
    API['sed.rotate'].path,
    allow(...KEY_ADMINS),
    validate({ params: IdParamSchema }),
    async (req, res) => {
      res
        .status(202)
        .json(
          toJobDto(
            await sed().workflows.rotate(
              principalOf(res),
              paramsOf<{ id: string }>(res).id,
              metaOf(req, res),
            ),
          ),
        );
    },
  );
  router.post(
    API['sed.breakGlass'].path,
    allow(...OPERATORS),
    validate({ params: IdParamSchema, body: API['sed.breakGlass'].body }),
    async (req, res) => {
      const { reason } = bodyOf<{ reason: string }>(res);
      res
        .status(202)
        .json(
          await sed().breakGlass.request(
            principalOf(res),
            paramsOf<{ id: string }>(res).id,
            reason,
            metaOf(req, res),
          ),
        );
    },
  );
  router.post(
    API['sed.breakGlassReveal'].path,
    allow(...OPERATORS),
    validate({ params: RevealParamsSchema }),
    async (req, res) => {
      const { id, approvalId } = paramsOf<{ id: string; approvalId: string }>(res);
      const reveal = await sed().breakGlass.reveal(principalOf(res), id, approvalId, metaOf(req, res));
      // The one response that carries a credential: never cached anywhere.
      res.set('Cache-Control', 'no-store').json(reveal);
    },
  );
  return router;
}
