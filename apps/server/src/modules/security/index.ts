/** The security admin's desk (安全管理): signed-in sessions, forced sign-out, settings in force, locked accounts. */
import { defineModule } from '../../platform/module.ts';
import { registerSecurityRoutes } from './security.routes.ts';

export const securityModule = defineModule('security', (app) => registerSecurityRoutes(app));
