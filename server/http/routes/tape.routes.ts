import { Router, type Request, type Response } from 'express';
import { API } from '../../../shared/api/routes.ts';
import {
  TapeSerialParamSchema,
  type MountRequest,
  type UnmountRequest,
} from '../../../shared/schemas/tape.ts';
import type { z } from 'zod';
import {
  BarcodeParamSchema,
  type CartridgeListQuerySchema,
  type CreatePoolRequest,
  type EnrollmentRequest,
} from '../../../shared/schemas/cartridges.ts';
import { AppError } from '../../domain/errors.ts';
import type { Services } from '../../compose.ts';
import { bodyOf, metaOf, paramsOf, principalOf, queryOf } from '../locals.ts';
import { toJobDto } from './jobs.routes.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

const OPERATORS = ['admin', 'security-officer', 'operator'] as const;
const KEY_ADMINS = ['admin', 'security-officer'] as const;

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
  router.get(API['tape.pools'].path, validate({ query: API['tape.pools'].query }), async (_req, res) => {
    const q = queryOf<{ library?: string }>(res);
    res.json({ pools: await tape().pools.listPools(q.library) });
  });
  router.post(
    API['tape.createPool'].path,
    allow(...KEY_ADMINS),
    validate({ params: TapeSerialParamSchema, body: API['tape.createPool'].body }),
    async (req, res) => {
      res
        .status(201)
        .json(await tape().pools.createPool(serialOf(res), bodyOf<CreatePoolRequest>(res), ctx(req, res)));
    },
  );
  router.patch(
    API['tape.librarySettings'].path,
    allow(...KEY_ADMINS),
    validate({ params: TapeSerialParamSchema, body: API['tape.librarySettings'].body }),
    async (req, res) => {
      const { autoEnrollImports } = bodyOf<{ autoEnrollImports: boolean }>(res);
      const lib = await tape().pools.setAutoEnroll(serialOf(res), autoEnrollImports, ctx(req, res));
      res.json({ autoEnrollImports: lib.autoEnrollImports });
    },
  );
  router.get(
    API['tape.cartridges'].path,
    validate({ query: API['tape.cartridges'].query }),
    async (_req, res) => {
      const q = queryOf<z.infer<typeof CartridgeListQuerySchema>>(res);
      res.json(
        await tape().pools.listCartridges({
          librarySerial: q.library,
          poolId: q.pool,
          state: q.state,
          search: q.search?.toUpperCase(),
          keyOlderThanDays: q.keyOlderThanDays,
          limit: q.limit,
          offset: q.offset,
        }),
      );
    },
  );
  router.get(API['tape.cartridge'].path, validate({ params: BarcodeParamSchema }), async (_req, res) => {
    const barcode = paramsOf<{ barcode: string }>(res).barcode;
    const page = await tape().pools.listCartridges({ search: barcode, limit: 1, offset: 0 });
    const found = page.cartridges.find((c) => c.barcode === barcode);
    if (!found) throw new AppError('TAPE_NOT_ENROLLED', `${barcode} is not enrolled`);
    res.json(found);
  });
  router.post(
    API['tape.enroll'].path,
    allow(...OPERATORS),
    validate({ body: API['tape.enroll'].body }),
    async (req, res) => {
      const out = await tape().enrollment.request(bodyOf<EnrollmentRequest>(res), ctx(req, res));
      res.status(out.job ? 202 : 200).json({ preview: out.preview, job: out.job && toJobDto(out.job) });
    },
  );
  router.post(
    API['tape.cartridgeMount'].path,
    allow(...OPERATORS),
    validate({ params: BarcodeParamSchema, body: API['tape.cartridgeMount'].body }),
    async (req, res) => {
      const { driveSerial, purpose } = bodyOf<{ driveSerial: string; purpose: 'write' | 'read' }>(res);
      const barcode = paramsOf<{ barcode: string }>(res).barcode;
      res.json(await tape().delivery.mount(barcode, driveSerial, purpose, ctx(req, res)));
    },
  );
  router.post(
    API['tape.verify'].path,
    allow(...OPERATORS),
    validate({ body: API['tape.verify'].body }),
    async (req, res) => {
      const { librarySerial, barcodes } = bodyOf<{ librarySerial: string; barcodes?: string[] }>(res);
      res
        .status(202)
        .json(toJobDto(await tape().verification.request(librarySerial, barcodes, ctx(req, res))));
    },
  );
  for (const [name, action] of [
    ['tape.cartridgeScratch', 'scratch'],
    ['tape.cartridgeRetire', 'retire'],
  ] as const) {
    router.post(
      API[name].path,
      allow(...KEY_ADMINS),
      validate({ params: BarcodeParamSchema }),
      async (req, res) => {
        const barcode = paramsOf<{ barcode: string }>(res).barcode;
        res.json({ state: await tape().lifecycle.apply(barcode, action, ctx(req, res)) });
      },
    );
  }
  return router;
}
