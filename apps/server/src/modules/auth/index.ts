/**
 * Sign-in (登录): login with lockout and rate limits, sessions, logout, one's own password. The
 * front door app.ts uses: the module's routes, resolving a session cookie to an actor, and the
 * session cookie's options.
 */
import { defineModule } from '../../platform/module.ts';
import { registerAuthRoutes } from './auth.routes.ts';

export const authModule = defineModule('auth', (app, { deps }) => registerAuthRoutes(app, deps.config));
export { cookieOptions } from './auth.routes.ts';
export { resolveSession, type ResolvedSession } from './auth.service.ts';
