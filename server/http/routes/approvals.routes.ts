import { Router } from 'express';
import type { z } from 'zod';
import { API } from '../../../shared/api/routes.ts';
import {
  ApprovalActionParamSchema,
  type ApprovalDecisionSchema,
  type SetApprovalPolicy,
} from '../../../shared/schemas/approvals.ts';
import { IdParamSchema } from '../../../shared/schemas/auth.ts';
import type { ApprovalPolicyService } from '../../services/approval-policy.service.ts';
import type { ApprovalsService } from '../../services/approvals.service.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

export function approvalsRoutes(approvals: ApprovalsService, policy: ApprovalPolicyService): Router {
  const router = Router();
  // Approvers and auditors see every request; others see the ones they made (to follow a
  // break-glass request they are waiting for).
  router.get(API['approvals.list'].path, async (_req, res) => {
    const principal = principalOf(res);
    const all = await approvals.list();
    const mine = ['admin', 'security-officer', 'auditor'].includes(principal.user.role)
      ? all
      : all.filter((a) => a.requestedBy === principal.user.username);
    res.json({ approvals: mine });
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
  // Everyone sees the policy that governs their requests; only admins change it (audited).
  router.get(API['approvals.policy.list'].path, async (_req, res) => {
    res.json({ policies: await policy.list() });
  });
  router.put(
    API['approvals.policy.set'].path,
    allow('admin'),
    validate({ params: ApprovalActionParamSchema, body: API['approvals.policy.set'].body }),
    async (req, res) => {
      res.json(
        await policy.set(
          principalOf(res),
          paramsOf<{ action: string }>(res).action,
          bodyOf<SetApprovalPolicy>(res),
          metaOf(req, res),
        ),
      );
    },
  );
  return router;
}
