import type { CertificateInput } from '../../../shared/schemas/certificates.ts';
import type { CertificateRequest } from './erase.job.ts';

/** One erased item → the NIST SP 800-88 certificate fields. */
export function certificateInputOf(req: CertificateRequest): CertificateInput {
  const { request, item, medium, verification } = req;
  return {
    media: {
      type: medium.mediaType,
      manufacturer: medium.manufacturer,
      model: medium.model,
      serialNumber: medium.serial,
    },
    sanitization: {
      category: medium.category,
      method: medium.technique,
      tool: `${medium.tool} ${medium.toolVersion}`,
    },
    verification: {
      method: verification.method,
      result: verification.passed ? 'passed' : 'failed',
      details: verification.details,
    },
    completedAt: req.completedAt,
    people: { requester: request.requestedBy, approvers: req.approvers, operator: req.operator },
    references: {
      itemRef: item.itemRef,
      requestId: request.id,
      approvalId: request.approvalId,
      jobId: req.jobId,
      itemId: item.id,
    },
    notes: `Reason given: ${request.reason}`,
  };
}
