import { EventEmitter } from 'node:events';
import type { AuditEvent } from '../../shared/schemas/audit.ts';
import type { JobProgressEvent, SessionEndReason } from '../../shared/socket/events.ts';

/**
 * Domain events: facts the services publish after a commit. The socket layer forwards them
 * to rooms; services never know socket.io exists.
 */
export interface DomainEventMap {
  'audit:appended': [event: AuditEvent];
  /** Sessions ended by logout, password change, disable or expiry (id hashes, not tokens). */
  'sessions:ended': [info: { sessionIdHashes: string[]; reason: SessionEndReason }];
  'device:updated': [device: { id: string; [key: string]: unknown }];
  'job:progress': [progress: JobProgressEvent];
  /** Something in a key domain changed (KEKs, secret counts, settings). */
  'keys:changed': [info: { domainId: string }];
  'approval:changed': [info: { id: string; state: string; action: string }];
  /** An erase request or one of its items changed outside a job (a PSID revert). */
  'erase:changed': [info: { id: string }];
  /** An admin changed the approval policy of an action. */
  'approval-policy:changed': [info: { action: string }];
  /** Cartridges of a library were enrolled or changed state (ids only; refetch the page shown). */
  'cartridges:changed': [info: { librarySerial: string; barcodes: string[] }];
}

export class DomainEvents extends EventEmitter<DomainEventMap> {}
