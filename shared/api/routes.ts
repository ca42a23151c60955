import { z } from 'zod';
import {
  ApiTokenSchema,
  ChangePasswordRequestSchema,
  CreateApiTokenRequestSchema,
  CreatedApiTokenSchema,
  CreateUserRequestSchema,
  LoginRequestSchema,
  SessionInfoSchema,
  UpdateUserRequestSchema,
  UserSchema,
} from '../schemas/auth.ts';
import { AuditPageSchema, AuditQuerySchema } from '../schemas/audit.ts';
import { FleetSummarySchema } from '../schemas/fleet.ts';

/** One REST call: method, path (Express syntax), and the runtime schemas of its parts. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
}

/**
 * The REST contract, one entry per call, named `noun.verb`. Server routers use these schemas
 * to validate; the client derives typed callers from them. Responses without a schema are 204.
 */
export const API = {
  'auth.login': {
    method: 'POST',
    path: '/api/auth/login',
    body: LoginRequestSchema,
    response: SessionInfoSchema,
  },
  'auth.logout': { method: 'POST', path: '/api/auth/logout' },
  'auth.session': { method: 'GET', path: '/api/auth/session', response: SessionInfoSchema },
  'auth.changePassword': { method: 'POST', path: '/api/auth/password', body: ChangePasswordRequestSchema },
  'users.list': { method: 'GET', path: '/api/users', response: z.object({ users: z.array(UserSchema) }) },
  'users.create': { method: 'POST', path: '/api/users', body: CreateUserRequestSchema, response: UserSchema },
  'users.update': {
    method: 'PATCH',
    path: '/api/users/:id',
    body: UpdateUserRequestSchema,
    response: UserSchema,
  },
  'tokens.list': {
    method: 'GET',
    path: '/api/tokens',
    response: z.object({ tokens: z.array(ApiTokenSchema) }),
  },
  'tokens.create': {
    method: 'POST',
    path: '/api/tokens',
    body: CreateApiTokenRequestSchema,
    response: CreatedApiTokenSchema,
  },
  'tokens.revoke': { method: 'DELETE', path: '/api/tokens/:id' },
  'audit.list': { method: 'GET', path: '/api/audit', query: AuditQuerySchema, response: AuditPageSchema },
  'fleet.summary': { method: 'GET', path: '/api/fleet', response: FleetSummarySchema },
} as const satisfies Record<string, RouteSpec>;

export type ApiName = keyof typeof API;
