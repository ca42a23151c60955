import { z } from 'zod';

/** Roles, from most to least powerful. Checks name the roles allowed, never a rank. */
export const ROLES = ['admin', 'security-officer', 'operator', 'auditor'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const UsernameSchema = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash and underscore');

/** Length is the only rule (NIST SP 800-63B): at least 12, at most 256 characters. */
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(256);

export const LoginRequestSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: RoleSchema,
  mustChangePassword: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;

/** What the client learns about its own session. `csrfToken` goes in `X-CSRF-Token`. */
export const SessionInfoSchema = z.object({
  user: UserSchema,
  csrfToken: z.string(),
  expiresAt: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: PasswordSchema,
});

export const CreateUserRequestSchema = z.strictObject({
  username: UsernameSchema,
  role: RoleSchema,
  password: PasswordSchema,
});

export const UpdateUserRequestSchema = z
  .strictObject({ role: RoleSchema.optional(), disabled: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, 'nothing to change');

export const IdParamSchema = z.strictObject({ id: z.string().min(1).max(64) });

export const CreateApiTokenRequestSchema = z.strictObject({
  name: z.string().min(1).max(100),
  /** Days until the token expires; tokens never live forever. */
  expiresInDays: z.number().int().min(1).max(366).default(90),
});

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** First characters of the token, so a user can tell tokens apart. Not a secret. */
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** Returned once, when the token is created; the server keeps only its hash. */
export const CreatedApiTokenSchema = z.object({ token: ApiTokenSchema, secret: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;
