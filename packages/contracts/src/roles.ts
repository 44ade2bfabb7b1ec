/**
 * Roles a user holds on an area. The data scope of a user is the union of the subtrees of the
 * areas their roles sit on. Admin duties are split three ways (三权分立, MLPS 2.0 level 3):
 * system_admin manages accounts, security_admin manages security settings, audit_admin reads the
 * audit trail; none of them can do the others' work.
 */
export const ROLES = [
  'system_admin',
  'security_admin',
  'audit_admin',
  'area_admin',
  'grid_leader',
  'grid_worker',
  'dept_staff',
  'party_member',
  'volunteer',
  'resident',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'area.read',
  /**
   * The grid work on areas in scope: household counts across grids, coverage and balance reports, the
   * area tree and map consoles. Party members and volunteers read their own community and grid, not this.
   */
  'area.report',
  'area.manage',
  /** Browse, search and compare the national division code library (区划代码库): for those who keep codes. */
  'division.read',
  /** Load and remove editions of the national division code library (reference data for every area). */
  'division.manage',
  'user.read',
  'user.manage',
  'user.reveal_phone',
  'audit.read',
  'security.manage',
  'dashboard.read',
  /** Base data (实有人口/房屋/单位/部件): read records in scope, protected fields masked. */
  'basedata.read',
  /** Enter and edit records, record household visits. */
  'basedata.manage',
  /** Verify records, confirm what visits found, review duplicates and merge them. */
  'basedata.verify',
  /** Show a full ID number or phone (with a reason, audited). */
  'basedata.reveal',
  /** Import records from CSV/XLSX files. */
  'basedata.import',
  /** Export records to CSV/XLSX (watermarked, audited). */
  'basedata.export',
  /** Configure care groups and key-population categories: names, reminder days, which roles may see them. */
  'basedata.configure',
  /** Edit the working-time calendar (holidays, make-up working days, working hours); reading it needs only a sign-in. */
  'calendar.manage',
  /** See departments (职能部门) in scope: kinds, served areas, staff. */
  'department.read',
  /** Set up departments, their served areas, activate and deactivate them. */
  'department.manage',
  /** Read the catalogue of grid affairs (网事清单) of the district one works in. */
  'affairs.read',
  /** Edit, import and export a district's catalogue of grid affairs (its own admins, system admins). */
  'affairs.manage',
  /** Read cases in scope: a grid's, an area's, or those dispatched to one's department. */
  'case.read',
  /**
   * Report a case, and follow one's own reports: staff from the console; residents, party members and
   * volunteers through the resident form, reading only the cases they reported (我的上报), rating them.
   */
  'case.report',
  /** Act on cases held at one's level or department: accept, escalate, dispatch, handle, verify, supervise. */
  'case.handle',
  /** The 12345 desk: enter and import 12345 work orders, see their callers (confidential ones too), write the replies that go back, keep the category map. */
  'case.hotline',
  /** See the scheduled jobs of the system: when each last ran, its errors (no record of any area). */
  'system.jobs',
  /** Issue and revoke the Open311 API keys outside applications file cases with (system admins, district-level area admins). */
  'open311.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role may do, before data scope narrows it to their areas. */
export const ROLE_PERMISSIONS = {
  system_admin: ['area.read', 'area.report', 'area.manage', 'division.read', 'division.manage', 'user.read', 'user.manage', 'dashboard.read', 'basedata.configure', 'system.jobs', 'department.read', 'department.manage', 'affairs.read', 'affairs.manage', 'calendar.manage', 'open311.manage'],
  // The security admin's desk (sessions, locked accounts, login failures, probing) covers their work;
  // account data is the system admin's (三权分立), so no user.read.
  security_admin: ['area.read', 'security.manage'],
  // The auditor reads the audit trail and nothing else: no area, map, division or account data.
  audit_admin: ['audit.read'],
  area_admin: ['area.read', 'area.report', 'area.manage', 'division.read', 'user.read', 'user.manage', 'user.reveal_phone', 'dashboard.read', 'basedata.read', 'basedata.manage', 'basedata.verify', 'basedata.reveal', 'basedata.import', 'basedata.export', 'department.read', 'department.manage', 'affairs.read', 'affairs.manage', 'calendar.manage', 'case.read', 'case.report', 'case.handle', 'case.hotline', 'open311.manage'],
  grid_leader: ['area.read', 'area.report', 'user.read', 'dashboard.read', 'basedata.read', 'basedata.manage', 'basedata.verify', 'basedata.reveal', 'department.read', 'affairs.read', 'case.read', 'case.report', 'case.handle'],
  grid_worker: ['area.read', 'area.report', 'dashboard.read', 'basedata.read', 'basedata.manage', 'affairs.read', 'case.read', 'case.report', 'case.handle'],
  dept_staff: ['area.read', 'area.report', 'dashboard.read', 'basedata.read', 'basedata.reveal', 'department.read', 'affairs.read', 'case.read', 'case.handle'],
  // A party member and a volunteer see their own community and grid (names, not household figures).
  // They, and residents, report what they see and follow their own reports (never anyone else's).
  party_member: ['area.read', 'case.report'],
  volunteer: ['area.read', 'case.report'],
  resident: ['case.report'],
} as const satisfies Record<Role, readonly Permission[]>;

/**
 * Roles an assigner may hand out. An area admin may not create system/security/audit admins, and
 * nobody can grant roles above their own area (enforced with scope on the server).
 */
export const ASSIGNABLE_ROLES = {
  system_admin: ['system_admin', 'area_admin', 'grid_leader', 'grid_worker', 'dept_staff', 'party_member', 'volunteer', 'resident'],
  area_admin: ['area_admin', 'grid_leader', 'grid_worker', 'dept_staff', 'party_member', 'volunteer', 'resident'],
  security_admin: ['security_admin', 'audit_admin'],
} as const satisfies Partial<Record<Role, readonly Role[]>>;

export function permissionsOf(roles: readonly Role[]): Permission[] {
  const set = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role]) set.add(p);
  return [...set].sort();
}

export function assignableRolesOf(roles: readonly Role[]): Role[] {
  const set = new Set<Role>();
  for (const role of roles) {
    const list: readonly Role[] | undefined = (ASSIGNABLE_ROLES as Partial<Record<Role, readonly Role[]>>)[role];
    for (const r of list ?? []) set.add(r);
  }
  return ROLES.filter((r) => set.has(r));
}
