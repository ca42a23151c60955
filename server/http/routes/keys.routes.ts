import { Router } from 'express';
import type { z } from 'zod';
import { API } from '../../../shared/api/routes.ts';
import type { DestroyRequestSchema } from '../../../shared/schemas/approvals.ts';
import { IdParamSchema } from '../../../shared/schemas/auth.ts';
import type {
  CreateKeyDomainRequestSchema,
  SecretTransitionRequestSchema,
  UpdateKeyDomainRequestSchema,
} from '../../../shared/schemas/keys.ts';
import { z as zod } from 'zod';
import type { KekService } from '../../services/keys/kek.service.ts';
import type { KeyDomainsService } from '../../services/keys/key-domains.service.ts';
import { toSecretDto, type ManagedSecretsService } from '../../services/keys/managed-secrets.service.ts';
import { toJobDto } from './jobs.routes.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

/** Roles that manage keys; everyone signed in may read key metadata (never key material). */
const KEY_ADMINS = ['admin', 'security-officer'] as const;
const SECRET_READERS = ['admin', 'security-officer', 'auditor'] as const;
const KekParamsSchema = zod.strictObject({
  id: zod.string().min(1).max(64),
  version: zod.coerce.number().int().min(1),
});

export function keysRoutes(d: {
  domains: KeyDomainsService;
  secrets: ManagedSecretsService;
  keks: KekService;
}): Router {
  const router = Router();
  router.get(API['domains.list'].path, async (_req, res) => {
    res.json({ domains: await d.domains.list() });
  });
  router.get(API['domains.get'].path, validate({ params: IdParamSchema }), async (_req, res) => {
    res.json(await d.domains.get(paramsOf<{ id: string }>(res).id));
  });
  router.post(
    API['domains.create'].path,
    allow(...KEY_ADMINS),
    validate({ body: API['domains.create'].body }),
    async (req, res) => {
      const body = bodyOf<z.infer<typeof CreateKeyDomainRequestSchema>>(res);
      res.status(201).json(await d.domains.create(principalOf(res), body, metaOf(req, res)));
    },
  );
  router.patch(
    API['domains.update'].path,
    allow(...KEY_ADMINS),
    validate({ params: IdParamSchema, body: API['domains.update'].body }),
    async (req, res) => {
      const body = bodyOf<z.infer<typeof UpdateKeyDomainRequestSchema>>(res);
      res.json(
        await d.domains.update(principalOf(res), paramsOf<{ id: string }>(res).id, body, metaOf(req, res)),
      );
    },
  );
  router.post(
    API['domains.rotate'].path,
    allow(...KEY_ADMINS),
    validate({ params: IdParamSchema }),
    async (req, res) => {
      const job = await d.keks.rotateNow(
        principalOf(res),
        paramsOf<{ id: string }>(res).id,
        metaOf(req, res),
      );
      res.status(202).json(toJobDto(job));
    },
  );
  router.post(
    API['domains.delete'].path,
    allow(...KEY_ADMINS),
    validate({ params: IdParamSchema, body: API['domains.delete'].body }),
    async (req, res) => {
      const { reason } = bodyOf<z.infer<typeof DestroyRequestSchema>>(res);
      res
        .status(202)
        .json(
          await d.keks.requestDomainDeletion(
            principalOf(res),
            paramsOf<{ id: string }>(res).id,
            reason,
            metaOf(req, res),
          ),
        );
    },
  );
  router.post(
    API['keks.destroy'].path,
    allow(...KEY_ADMINS),
    validate({ params: KekParamsSchema, body: API['keks.destroy'].body }),
    async (req, res) => {
      const { id, version } = paramsOf<{ id: string; version: number }>(res);
      const { reason } = bodyOf<z.infer<typeof DestroyRequestSchema>>(res);
      res
        .status(202)
        .json(await d.keks.requestKekDestruction(principalOf(res), id, version, reason, metaOf(req, res)));
    },
  );
  router.get(
    API['secrets.get'].path,
    allow(...SECRET_READERS),
    validate({ params: IdParamSchema }),
    async (_req, res) => {
      res.json(toSecretDto(await d.secrets.get(paramsOf<{ id: string }>(res).id)));
    },
  );
  router.post(
    API['secrets.transition'].path,
    allow(...KEY_ADMINS),
    validate({ params: IdParamSchema, body: API['secrets.transition'].body }),
    async (req, res) => {
      const { event, reason } = bodyOf<z.infer<typeof SecretTransitionRequestSchema>>(res);
      const meta = metaOf(req, res);
      res.json(
        await d.secrets.transition(paramsOf<{ id: string }>(res).id, event, {
          actor: principalOf(res).user.username,
          requestId: meta.requestId,
          reason,
        }),
      );
    },
  );
  router.post(
    API['secrets.destroy'].path,
    allow(...KEY_ADMINS),
    validate({ params: IdParamSchema, body: API['secrets.destroy'].body }),
    async (req, res) => {
      const { reason } = bodyOf<z.infer<typeof DestroyRequestSchema>>(res);
      res
        .status(202)
        .json(
          await d.keks.requestSecretDestruction(
            principalOf(res),
            paramsOf<{ id: string }>(res).id,
            reason,
            metaOf(req, res),
          ),
        );
    },
  );
  return router;
}
