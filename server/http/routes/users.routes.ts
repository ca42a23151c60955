import { Router } from 'express';
import type { z } from 'zod';
import { API } from '../../../shared/api/routes.ts';
import {
  IdParamSchema,
  type CreateUserRequestSchema,
  type UpdateUserRequestSchema,
} from '../../../shared/schemas/auth.ts';
import type { UsersService } from '../../services/users.service.ts';
import { bodyOf, metaOf, paramsOf, principalOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

export function usersRoutes(users: UsersService): Router {
  const router = Router();
  router.get(API['users.list'].path, allow('admin'), async (_req, res) => {
    res.json({ users: await users.list() });
  });
  router.post(
    API['users.create'].path,
    allow('admin'),
    validate({ body: API['users.create'].body }),
    async (req, res) => {
      const body = bodyOf<z.infer<typeof CreateUserRequestSchema>>(res);
      res.status(201).json(await users.create(principalOf(res), body, metaOf(req, res)));
    },
  );
  router.patch(
    API['users.update'].path,
    allow('admin'),
    validate({ params: IdParamSchema, body: API['users.update'].body }),
    async (req, res) => {
      const { id } = paramsOf<{ id: string }>(res);
      const body = bodyOf<z.infer<typeof UpdateUserRequestSchema>>(res);
      res.json(await users.update(principalOf(res), id, body, metaOf(req, res)));
    },
  );
  return router;
}
