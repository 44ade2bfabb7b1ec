import type { AppConfig } from '../config.ts';
import type { Db } from './data-access.ts';

/**
 * The password and lockout policy in force: what the security admin set on the desk (one row of
 * `security_policy`, migration 0008), else the deployment's defaults (REDGRID_PASSWORD_MIN_*,
 * REDGRID_LOCKOUT_*). System-wide configuration, owned by no area, so read without a scope; the login
 * reads it before anyone is known, a password change or reset on its unit.
 */
export interface PolicyInForce {
  passwordPolicy: { minLength: number; minClasses: number };
  lockout: { attempts: number; minutes: number };
  /** When the security admin last set it; null while the deployment's defaults hold. */
  setAt: Date | null;
}

export function securityPolicyRepository(db: Db) {
  return {
    async inForce(config: Pick<AppConfig, 'passwordPolicy' | 'lockout'>): Promise<PolicyInForce> {
      const row = await db.selectFrom('security_policy').selectAll().where('id', '=', 1).executeTakeFirst();
      if (!row) return { passwordPolicy: config.passwordPolicy, lockout: config.lockout, setAt: null };
      return {
        passwordPolicy: { minLength: row.password_min_length, minClasses: row.password_min_classes },
        lockout: { attempts: row.lockout_attempts, minutes: row.lockout_minutes },
        setAt: row.updated_at,
      };
    },

    async save(p: { passwordPolicy: { minLength: number; minClasses: number }; lockout: { attempts: number; minutes: number } }, at: Date, by: number): Promise<void> {
      const values = {
        password_min_length: p.passwordPolicy.minLength,
        password_min_classes: p.passwordPolicy.minClasses,
        lockout_attempts: p.lockout.attempts,
        lockout_minutes: p.lockout.minutes,
        updated_at: at,
        updated_by: by,
      };
      await db
        .insertInto('security_policy')
        .values({ id: 1, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },
  };
}
