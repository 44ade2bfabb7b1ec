import { describe, expect, it } from 'vitest';
import { assignableRolesOf, permissionsOf } from './roles.ts';

describe('roles', () => {
  it('keeps admin duties apart', () => {
    expect(permissionsOf(['system_admin'])).not.toContain('audit.read');
    expect(permissionsOf(['audit_admin'])).toEqual(['audit.read']);
    expect(permissionsOf(['security_admin'])).not.toContain('user.manage');
  });

  it('unions permissions of several roles', () => {
    expect(permissionsOf(['grid_worker', 'party_member'])).toEqual(['area.read', 'dashboard.read']);
    expect(permissionsOf(['resident'])).toEqual([]);
  });

  it('lets an area admin grant only roles at or below its own', () => {
    expect(assignableRolesOf(['area_admin'])).not.toContain('system_admin');
    expect(assignableRolesOf(['area_admin'])).toContain('grid_worker');
    expect(assignableRolesOf(['grid_leader'])).toEqual([]);
  });
});
