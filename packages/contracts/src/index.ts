export * from './errors.ts';
export * from './roles.ts';
export * from './common.ts';
export * from './area.ts';
export * from './auth.ts';
export * from './user.ts';
export * from './audit.ts';
export * from './password-policy.ts';
