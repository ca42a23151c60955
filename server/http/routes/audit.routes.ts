import { Router } from 'express';
import { API } from '../../../shared/api/routes.ts';
import type { AuditQuery } from '../../../shared/schemas/audit.ts';
import type { AuditService } from '../../services/audit.service.ts';
import type { AuditSealService } from '../../services/audit-seal.service.ts';
import { queryOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

/** Roles that may read the audit trail. */
export const AUDIT_READERS = ['admin', 'security-officer', 'auditor'] as const;

export function auditRoutes(audit: AuditService, seals: AuditSealService): Router {
  const router = Router();
  router.post(API['audit.seal'].path, allow('admin', 'security-officer'), async (_req, res) => {
    res.json({ sealedSeq: await seals.sealNow() });
  });
  router.get(API['audit.verify'].path, allow(...AUDIT_READERS), async (_req, res) => {
    res.json(await seals.verify());
  });
  router.get(
    API['audit.list'].path,
    allow(...AUDIT_READERS),
    validate({ query: API['audit.list'].query }),
    async (_req, res) => {
      res.json(await audit.list(queryOf<AuditQuery>(res)));
    },
  );
  return router;
}
