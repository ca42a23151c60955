import { Router } from 'express';
import type { z } from 'zod';
import { API } from '../../../shared/api/routes.ts';
import type { ApprovalDecisionSchema } from '../../../shared/schemas/approvals.ts';
import { IdParamSchema } from '../../../shared/schemas/auth.ts';
import type { ApprovalsService } from '../../services/approvals.service.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

export function approvalsRoutes(approvals: ApprovalsService): Router {
  const router = Router();
  router.get(API['approvals.list'].path, allow('admin', 'security-officer', 'auditor'), async (_req, res) => {
    res.json({ approvals: await approvals.list() });
  });
  router.post(
    API['approvals.approve'].path,
    allow('admin', 'security-officer'),
    validate({ params: IdParamSchema, body: API['approvals.approve'].body }),
    async (req, res) => {
      const { note } = bodyOf<z.infer<typeof ApprovalDecisionSchema>>(res);
      res.json(
        await approvals.approve(principalOf(res), paramsOf<{ id: string }>(res).id, note, metaOf(req, res)),
      );
    },
  );
  router.post(
    API['approvals.deny'].path,
    allow('admin', 'security-officer'),
    validate({ params: IdParamSchema, body: API['approvals.deny'].body }),
    async (req, res) => {
      const { note } = bodyOf<z.infer<typeof ApprovalDecisionSchema>>(res);
      res.json(
        await approvals.deny(principalOf(res), paramsOf<{ id: string }>(res).id, note, metaOf(req, res)),
      );
    },
  );
  return router;
}
