import { describe, expect, it } from 'vitest';
import { assignableRolesOf, permissionsOf } from './roles.ts';

describe('roles', () => {
  it('keeps admin duties apart', () => {
    expect(permissionsOf(['system_admin'])).not.toContain('audit.read');
    expect(permissionsOf(['audit_admin'])).toEqual(['audit.read']);
    expect(permissionsOf(['security_admin'])).not.toContain('user.manage');
  });

  it('unions permissions of several roles', () => {
    expect(permissionsOf(['grid_worker', 'party_member'])).toEqual(permissionsOf(['grid_worker']));
    // A resident reports what they see and follows their own reports, nothing else.
    expect(permissionsOf(['resident'])).toEqual(['case.report']);
  });

  it('keeps the code library and the grid reports with those who work with them', () => {
    for (const role of ['grid_worker', 'grid_leader', 'party_member', 'volunteer', 'security_admin', 'dept_staff'] as const) {
      expect(permissionsOf([role])).not.toContain('division.read');
    }
    expect(permissionsOf(['area_admin'])).toContain('division.read');
    expect(permissionsOf(['system_admin'])).toContain('division.read');
    expect(permissionsOf(['party_member'])).not.toContain('area.report');
    expect(permissionsOf(['grid_worker'])).toContain('area.report');
  });

  it('lets an area admin grant only roles at or below its own', () => {
    expect(assignableRolesOf(['area_admin'])).not.toContain('system_admin');
    expect(assignableRolesOf(['area_admin'])).toContain('grid_worker');
    expect(assignableRolesOf(['grid_leader'])).toEqual([]);
  });
});
