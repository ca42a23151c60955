import { Router } from 'express';
import type { z } from 'zod';
import { API } from '../../../shared/api/routes.ts';
import { IdParamSchema } from '../../../shared/schemas/auth.ts';
import type { Job, JobListQuerySchema } from '../../../shared/schemas/jobs.ts';
import { AppError } from '../../domain/errors.ts';
import type { JobRecord, Store } from '../../domain/repositories.ts';
import type { JobRunner } from '../../services/jobs/job-runner.ts';
import { paramsOf, queryOf } from '../locals.ts';
import { allow } from '../middleware/authenticate.ts';
import { validate } from '../middleware/validate.ts';

export function toJobDto(j: JobRecord): Job {
  return {
    id: j.id,
    kind: j.kind,
    state: j.state,
    params: summariseParams(j.params),
    done: j.done,
    total: j.total,
    failedItems: j.failedItems,
    errorCode: j.errorCode,
    errorMessage: j.errorMessage,
    createdBy: j.createdBy,
    createdAt: j.createdAt,
    runAfter: j.runAfter,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    updatedAt: j.updatedAt,
    cursor: j.cursor,
  };
}

/** Long lists in params (an enrollment's barcodes) are summarised: job lists stay small. */
function summariseParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) =>
      Array.isArray(v) && v.length > 10
        ? [k, { count: v.length, first: v[0] as unknown, last: v.at(-1) as unknown }]
        : [k, v],
    ),
  );
}

export function jobsRoutes(d: { store: Store; runner: JobRunner }): Router {
  const router = Router();
  router.get(API['jobs.list'].path, validate({ query: API['jobs.list'].query }), async (_req, res) => {
    const q = queryOf<z.infer<typeof JobListQuerySchema>>(res);
    const jobs = await d.store.jobs.list({
      limit: q.limit,
      kind: q.kind,
      states: q.state ? [q.state] : undefined,
    });
    res.json({ jobs: jobs.map(toJobDto) });
  });
  router.get(API['jobs.get'].path, validate({ params: IdParamSchema }), async (_req, res) => {
    const job = await d.store.jobs.find(paramsOf<{ id: string }>(res).id);
    if (!job) throw new AppError('JOB_NOT_FOUND', 'No such job');
    res.json(toJobDto(job));
  });
  router.post(
    API['jobs.cancel'].path,
    allow('admin', 'security-officer', 'operator'),
    validate({ params: IdParamSchema }),
    async (_req, res) => {
      const job = await d.runner.cancel(paramsOf<{ id: string }>(res).id);
      if (!job) throw new AppError('JOB_NOT_FOUND', 'No such job');
      res.json(toJobDto(job));
    },
  );
  return router;
}
