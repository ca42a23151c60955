import type { Role } from '../../shared/schemas/auth.ts';
import type { Room } from '../../shared/socket/events.ts';

const AUDIT_READERS: readonly Role[] = ['admin', 'security-officer', 'auditor'];

/** Which roles may join a room. Device and job rooms are open to every signed-in role. */
export function canJoin(role: Role, room: Room): boolean {
  if (room === 'audit' || room === 'approvals') return AUDIT_READERS.includes(role);
  return true;
}

/** Server-internal room per session, for ending its sockets; clients cannot name it. */
export function sessionRoom(idHash: string): string {
  return `session#${idHash}`;
}
