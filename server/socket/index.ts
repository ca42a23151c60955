import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { ErrorBody } from '../../shared/errors.ts';
import {
  RoomRequestSchema,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../shared/socket/events.ts';
import { AppError, isAppError } from '../domain/errors.ts';
import type { DomainEvents } from '../domain/events.ts';
import type { Logger } from '../platform/logger.ts';
import type { AuthService } from '../services/auth/auth.service.ts';
import type { Principal } from '../services/auth/principal.ts';
import { sessionTokenFrom } from '../http/middleware/authenticate.ts';
import { canJoin, sessionRoom } from './rooms.ts';

interface SocketData {
  principal: Principal;
}

export type LockwardenIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type LockwardenSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Cookies ride along on cross-site WebSocket handshakes; refuse any handshake whose Origin is
 * not this server's own host (SameSite=Strict already stops this in current browsers).
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // non-browser clients (scripts) send none
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function errorOf(err: unknown): ErrorBody['error'] {
  if (isAppError(err)) return { code: err.code, message: err.message };
  return { code: 'INTERNAL_ERROR', message: 'Internal error' };
}

/** How often connected sockets are checked against their session (idle timeout, revocation elsewhere). */
const RECHECK_MS = 30_000;

export function attachSocketServer(
  httpServer: HttpServer,
  d: { auth: AuthService; events: DomainEvents; logger: Logger; recheckMs?: number },
): LockwardenIo {
  const io: LockwardenIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (req, cb) => cb(null, sameOrigin(req)),
  });

  io.use((socket, next) => {
    const authenticate = async (): Promise<Principal> => {
      const bearer = (socket.handshake.auth as { token?: unknown }).token;
      if (typeof bearer === 'string') {
        const p = await d.auth.authenticateApiToken(bearer);
        if (p) return p;
      }
      const token = sessionTokenFrom(socket.handshake.headers.cookie);
      const principal = token === undefined ? undefined : await d.auth.authenticateSession(token);
      if (!principal) throw new AppError('AUTH_REQUIRED', 'Log in first');
      return principal;
    };
    authenticate()
      .then((principal) => {
        if (principal.user.mustChangePassword)
          throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', 'Change your password first');
        socket.data.principal = principal;
        if (principal.sessionIdHash) void socket.join(sessionRoom(principal.sessionIdHash));
        next();
      })
      .catch((err: unknown) => next(new Error(isAppError(err) ? err.code : 'AUTH_REQUIRED')));
  });

  io.on('connection', (socket: LockwardenSocket) => {
    const roomHandler =
      (join: boolean) =>
      (payload: unknown, ack: unknown): void => {
        const reply =
          typeof ack === 'function' ? (ack as (r: Ack<{ room: string }>) => void) : () => undefined;
        const parsed = RoomRequestSchema.safeParse(payload);
        if (!parsed.success) {
          reply({
            ok: false,
            error: {
              code: 'VALIDATION_FAILED',
              message: 'Expected { room: "fleet" | "audit" | "device:<id>" | "job:<id>" }',
            },
          });
          return;
        }
        const { room } = parsed.data;
        if (join && !canJoin(socket.data.principal.user.role, room)) {
          reply({
            ok: false,
            error: errorOf(new AppError('AUTH_FORBIDDEN', `Your role may not join ${room}`)),
          });
          return;
        }
        if (join) void socket.join(room);
        else void socket.leave(room);
        reply({ ok: true, data: { room } });
      };
    socket.on('room:join', roomHandler(true));
    socket.on('room:leave', roomHandler(false));
  });

  // A socket was authenticated once, at its handshake. Its session may end without a push
  // reaching this process (idle timeout, another console instance revoking it, a role change):
  // look again periodically and close the ones that no longer hold.
  let checking = false;
  const recheck = setInterval(() => {
    if (checking) return;
    checking = true;
    void (async () => {
      for (const socket of await io.fetchSockets()) {
        const principal = socket.data.principal as Principal | undefined;
        if (principal && !(await d.auth.stillValid(principal))) {
          socket.emit('session:ended', { reason: 'expired' });
          socket.disconnect(true);
        }
      }
    })()
      .catch((err: unknown) => d.logger.warn({ err }, 'socket session check failed'))
      .finally(() => (checking = false));
  }, d.recheckMs ?? RECHECK_MS);
  recheck.unref();
  httpServer.once('close', () => clearInterval(recheck));

  d.events.on('audit:appended', (event) => io.to('audit').emit('audit:appended', event));
  d.events.on('device:updated', (device) =>
    io.to(['fleet', `device:${device.id}`]).emit('device:updated', device),
  );
  d.events.on('job:progress', (p) => io.to([`job:${p.id}`, 'jobs']).emit('job:progress', p));
  d.events.on('keys:changed', ({ domainId }) => io.to('keys').emit('domain:updated', { id: domainId }));
  d.events.on('approval:changed', (a) => io.to('approvals').emit('approval:updated', a));
  d.events.on('erase:changed', (e) => io.to('jobs').emit('erase:updated', e));
  d.events.on('approval-policy:changed', (p) => io.to('approvals').emit('approval-policy:updated', p));
  d.events.on('cartridges:changed', ({ librarySerial, barcodes }) =>
    io.to('tape').emit('cartridges:updated', { librarySerial, barcodes: barcodes.slice(0, 100) }),
  );
  d.events.on('sessions:ended', ({ sessionIdHashes, reason }) => {
    for (const idHash of sessionIdHashes) {
      io.to(sessionRoom(idHash)).emit('session:ended', { reason });
      io.in(sessionRoom(idHash)).disconnectSockets(true);
    }
  });
  return io;
}
