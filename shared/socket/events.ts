import { z } from 'zod';
import type { AuditEvent } from '../schemas/audit.ts';
import type { ErrorBody } from '../errors.ts';

/** Rooms a client may join. Each room names the role set allowed in `server/socket/rooms.ts`. */
export const RoomSchema = z.union([
  z.literal('fleet'),
  z.literal('audit'),
  z.literal('keys'),
  z.literal('approvals'),
  z.literal('jobs'),
  z.literal('tape'),
  z.string().regex(/^device:[A-Za-z0-9._:-]{1,100}$/),
  z.string().regex(/^job:[A-Za-z0-9-]{1,64}$/),
]);
export type Room = z.infer<typeof RoomSchema>;

export const RoomRequestSchema = z.strictObject({ room: RoomSchema });

/** Acknowledgement envelope for every client → server event. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody['error'] };

/** A job's progress; `errorCode`/`errorMessage`/`finishedAt` are set once it ends. */
export interface JobProgressEvent {
  id: string;
  kind?: string;
  done: number;
  total: number;
  failedItems?: number;
  state: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  finishedAt?: string | null;
}

/** Why a session ended; the client words each one. */
export type SessionEndReason = 'logout' | 'expired' | 'password-changed' | 'disabled';

/** Server → client events: past-tense facts. */
export interface ServerToClientEvents {
  'audit:appended': (event: AuditEvent) => void;
  'device:updated': (device: { id: string; [key: string]: unknown }) => void;
  'job:progress': (progress: JobProgressEvent) => void;
  /** A key domain changed; refetch it (payloads carry ids, never key material). */
  'domain:updated': (info: { id: string }) => void;
  'approval:updated': (info: { id: string; state: string; action: string }) => void;
  /** An erase request changed outside a job (a PSID revert); refetch it. */
  'erase:updated': (info: { id: string }) => void;
  /** An admin changed an action's approval policy; refetch the policies. */
  'approval-policy:updated': (info: { action: string }) => void;
  /** Cartridges changed (enrolled, mounted with a key, scratched, retired): at most 100 barcodes listed. */
  'cartridges:updated': (info: { librarySerial: string; barcodes: string[] }) => void;
  /** The session ended (logout, expiry, revocation); the client should return to login. */
  'session:ended': (info: { reason: SessionEndReason }) => void;
}

/** Client → server events: imperatives, every payload zod-parsed on arrival. */
export interface ClientToServerEvents {
  'room:join': (payload: unknown, ack: (result: Ack<{ room: Room }>) => void) => void;
  'room:leave': (payload: unknown, ack: (result: Ack<{ room: Room }>) => void) => void;
}
