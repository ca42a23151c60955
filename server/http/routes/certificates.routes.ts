import { Router } from 'express';
import { API } from '../../../shared/api/routes.ts';
import {
  CertificateIdParamSchema,
  type CertificateListQuery,
  type CertificateGetQuerySchema,
} from '../../../shared/schemas/certificates.ts';
import type { z } from 'zod';
import type { CertificatesService } from '../../services/certificates/certificates.service.ts';
import { PRINT_PAGE_CSP, renderCertificatePage } from '../certificate-print.ts';
import { paramsOf, queryOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

/** Roles that may read certificates of sanitization. */
export const CERTIFICATE_READERS = ['admin', 'security-officer', 'auditor'] as const;

const fileName = (id: string) => `certificate-${id}.json`;

/** Certificates of sanitization: list, the signed JSON (or a file to keep), a printable page, the signing key. */
export function certificatesRoutes(certificates: CertificatesService): Router {
  const router = Router();
  const idOf = (res: Parameters<typeof paramsOf>[0]) => paramsOf<{ id: string }>(res).id;

  router.get(
    API['certificates.list'].path,
    allow(...CERTIFICATE_READERS),
    validate({ query: API['certificates.list'].query }),
    async (_req, res) => {
      res.json(await certificates.list(queryOf<CertificateListQuery>(res)));
    },
  );
  // Before `:id`, which would otherwise take "signing-key" for an id.
  router.get(API['certificates.signingKey'].path, allow(...CERTIFICATE_READERS), async (_req, res) => {
    res.json(await certificates.signingKey());
  });
  router.get(
    API['certificates.get'].path,
    allow(...CERTIFICATE_READERS),
    validate({ params: CertificateIdParamSchema, query: API['certificates.get'].query }),
    async (_req, res) => {
      const id = idOf(res);
      const certificate = await certificates.get(id);
      if (queryOf<z.infer<typeof CertificateGetQuerySchema>>(res).download === '1') {
        res.attachment(fileName(id));
        res.type('application/json').send(`${JSON.stringify(certificate, null, 2)}\n`);
        return;
      }
      res.json(certificate);
    },
  );
  router.get(
    API['certificates.print'].path,
    allow(...CERTIFICATE_READERS),
    validate({ params: CertificateIdParamSchema }),
    async (_req, res) => {
      const id = idOf(res);
      const page = renderCertificatePage(await certificates.get(id), fileName(id));
      res.set('Content-Security-Policy', PRINT_PAGE_CSP);
      res.set('Cache-Control', 'no-store');
      res.type('html').send(page);
    },
  );
  return router;
}
