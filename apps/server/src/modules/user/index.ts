/**
 * Accounts (用户管理): list, create, change, roles, password reset and the audited phone reveal,
 * all within the caller's scope and rank.
 */
import { defineModule } from '../../platform/module.ts';
import type { RekeyTarget } from '../../platform/rekey.ts';
import { registerUserRoutes } from './user.routes.ts';

export const userModule = defineModule('user', (app) => registerUserRoutes(app));

/** For the system's own work (the demo seed), in a unit from `asSystem`. */
export { countAccounts, findAccount, seedAccounts, type SeedAccount } from './user-seed.service.ts';

/** The encrypted columns of accounts, for the re-encryption job of a key rotation (`npm run data:rekey`). */
export const rekeyTargets: readonly RekeyTarget[] = [{ table: 'users', id: 'id', fields: [{ encrypted: 'phone_enc', blindIndex: 'phone_bidx' }] }];
