import { Router, type Request, type Response } from 'express';
import { API } from '../../../shared/api/routes.ts';
import {
  TapeSerialParamSchema,
  type MountRequest,
  type UnmountRequest,
} from '../../../shared/schemas/tape.ts';
import { AppError } from '../../domain/errors.ts';
import type { Services } from '../../compose.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

const OPERATORS = ['admin', 'security-officer', 'operator'] as const;

/** Tape libraries and drives: every role reads; operators refresh and move cartridges. */
export function tapeRoutes(services: Pick<Services, 'tape'>): Router {
  const router = Router();
  const tape = () => {
    if (!services.tape)
      throw new AppError('SERVICE_UNAVAILABLE', 'No tape driver is configured (drivers.tape.kind)');
    return services.tape;
  };
  const serialOf = (res: Response) => paramsOf<{ serial: string }>(res).serial;
  const ctx = (req: Request, res: Response) => ({
    actor: principalOf(res).user.username,
    requestId: metaOf(req, res).requestId,
  });

  router.get(API['tape.libraries'].path, (_req, res) => {
    res.json({ libraries: tape().inventory.listLibraries() });
  });
  router.get(API['tape.library'].path, validate({ params: TapeSerialParamSchema }), (_req, res) => {
    const lib = tape().inventory.library(serialOf(res));
    res.json({ library: lib.dto, elements: lib.elements });
  });
  router.get(API['tape.drives'].path, (_req, res) => {
    res.json({ drives: tape().inventory.listDrives() });
  });
  router.get(API['tape.drive'].path, validate({ params: TapeSerialParamSchema }), (_req, res) => {
    res.json(tape().inventory.drive(serialOf(res)).dto);
  });
  router.post(API['tape.refresh'].path, allow(...OPERATORS), async (_req, res) => {
    await tape().inventory.refresh();
    res.json({ libraries: tape().inventory.listLibraries(), drives: tape().inventory.listDrives() });
  });
  router.post(
    API['tape.mount'].path,
    allow(...OPERATORS),
    validate({ params: TapeSerialParamSchema, body: API['tape.mount'].body }),
    async (req, res) => {
      res.json(await tape().mounts.mount(serialOf(res), bodyOf<MountRequest>(res), ctx(req, res)));
    },
  );
  router.post(
    API['tape.unmount'].path,
    allow(...OPERATORS),
    validate({ params: TapeSerialParamSchema, body: API['tape.unmount'].body }),
    async (req, res) => {
      res.json(await tape().mounts.unmount(serialOf(res), bodyOf<UnmountRequest>(res), ctx(req, res)));
    },
  );
  return router;
}
