// Small, valid DTOs for client tests (they pass the shared response schemas).
import type { Approval } from '../../../shared/schemas/approvals.ts';
import type { Job } from '../../../shared/schemas/jobs.ts';
import type { KeyDomain } from '../../../shared/schemas/keys.ts';

export function domain(id: string, patch: Partial<KeyDomain> = {}): KeyDomain {
  return {
    id,
    description: '',
    purpose: 'general',
    rotationPeriodDays: null,
    activeKekVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastRotatedAt: null,
    nextRotationAt: null,
    keks: [
      {
        version: 1,
        state: 'active',
        createdAt: '2026-01-01T00:00:00.000Z',
        deactivatedAt: null,
        destroyedAt: null,
        secretCount: 0,
      },
    ],
    secretsByState: {},
    ...patch,
  };
}

export function job(id: string, patch: Partial<Job> = {}): Job {
  return {
    id,
    kind: 'kek.rotate',
    state: 'queued',
    params: { domainId: 'sed-fleet' },
    done: 0,
    total: 0,
    failedItems: 0,
    errorCode: null,
    errorMessage: null,
    createdBy: 'admin',
    createdAt: '2026-01-01T00:00:00.000Z',
    runAfter: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    cursor: null,
    ...patch,
  };
}

export function approval(id: string, patch: Partial<Approval> = {}): Approval {
  return {
    id,
    action: 'kek.destroy',
    target: 'kek:sed-fleet:v1',
    params: { domainId: 'sed-fleet', version: 1 },
    state: 'pending',
    requestedBy: 'ann',
    requestedAt: '2026-01-01T00:00:00.000Z',
    reason: 'retired',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    expiresAt: '2026-01-02T00:00:00.000Z',
    executedAt: null,
    consumedAt: null,
    ...patch,
  };
}
