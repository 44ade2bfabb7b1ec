import { describe, expect, it } from 'vitest';
import { loginAs, useTestApp } from '../../../test/harness.ts';

/** The password rules the login page and the password forms show: the policy in force, not the deployment's defaults. */

const ctx = useTestApp();

describe('GET /api/auth/password-policy', () => {
  it('answers anyone with the deployment defaults, then with what the security admin set', async () => {
    const defaults = await ctx.t.app.inject({ url: '/api/auth/password-policy' });
    expect(defaults.statusCode).toBe(200);
    expect(defaults.json()).toEqual({ minLength: ctx.t.deps.config.passwordPolicy.minLength, minClasses: ctx.t.deps.config.passwordPolicy.minClasses });

    const sec = await loginAs(ctx.t.app, 'secadmin');
    const policy = { passwordPolicy: { minLength: ctx.t.deps.config.passwordPolicy.minLength + 3, minClasses: 4 }, lockout: { attempts: 5, minutes: 30 } };
    const set = await ctx.t.app.inject({ method: 'PUT', url: '/api/security/policy', headers: sec.headers, payload: policy });
    expect(set.statusCode, set.body).toBe(200);

    const now = await ctx.t.app.inject({ url: '/api/auth/password-policy' });
    expect(now.json()).toEqual(policy.passwordPolicy);
    // The lockout settings are the security desk's, not for the login page.
    expect(now.body).not.toContain('attempts');
  });
});
