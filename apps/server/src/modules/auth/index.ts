/**
 * Sign-in (登录): login with lockout and rate limits, sessions, logout, one's own password. The
 * front door other modules use: resolving a session cookie to an actor.
 */
export { cookieOptions, registerAuthRoutes } from './auth.routes.ts';
export { resolveSession, type ResolvedSession } from './auth.service.ts';
