export * from './errors.ts';
export * from './schemas/auth.ts';
export * from './schemas/audit.ts';
export * from './schemas/fleet.ts';
export * from './socket/events.ts';
export * from './api/routes.ts';
export * from './schemas/keys.ts';
