import type { Permission } from '@redgrid/contracts';

export type MenuKey = 'dashboard' | 'cases' | 'caseReport' | 'hotline' | 'caseKpi' | 'areas' | 'map' | 'people' | 'households' | 'organisations' | 'components' | 'visits' | 'proposals' | 'divisions' | 'users' | 'departments' | 'groupConfig' | 'calendar' | 'affairs' | 'jobs' | 'open311' | 'audit' | 'security';

export interface MenuEntry {
  key: MenuKey;
  path: string;
  /** Needed to see the entry; null means every signed-in user. */
  permission: Permission | null;
}

/**
 * The console's sections in menu order, each with the permission that opens it: a role sees what it
 * works with (the area tree and the map are grid work, 'area.report'; the code library is for those who
 * keep codes, 'division.read'). A new section is one line here, with its route in router.tsx and its
 * icon and label in the console layout.
 */
export const MENU: readonly MenuEntry[] = [
  { key: 'dashboard', path: '/dashboard', permission: null },
  { key: 'cases', path: '/cases', permission: 'case.read' },
  { key: 'caseReport', path: '/cases/new', permission: 'case.report' },
  { key: 'hotline', path: '/cases/hotline', permission: 'case.hotline' },
  { key: 'caseKpi', path: '/cases/kpi', permission: 'case.read' },
  { key: 'areas', path: '/areas', permission: 'area.report' },
  { key: 'map', path: '/map', permission: 'area.report' },
  { key: 'people', path: '/people', permission: 'basedata.read' },
  { key: 'households', path: '/households', permission: 'basedata.read' },
  { key: 'organisations', path: '/organisations', permission: 'basedata.read' },
  { key: 'components', path: '/components', permission: 'basedata.read' },
  { key: 'visits', path: '/visits/coverage', permission: 'basedata.read' },
  { key: 'proposals', path: '/proposals', permission: 'basedata.verify' },
  { key: 'divisions', path: '/divisions', permission: 'division.read' },
  { key: 'users', path: '/users', permission: 'user.read' },
  { key: 'departments', path: '/settings/departments', permission: 'department.read' },
  { key: 'groupConfig', path: '/settings/groups', permission: 'basedata.configure' },
  { key: 'calendar', path: '/settings/calendar', permission: 'calendar.manage' },
  { key: 'affairs', path: '/settings/affairs', permission: 'affairs.read' },
  { key: 'jobs', path: '/settings/jobs', permission: 'system.jobs' },
  { key: 'open311', path: '/settings/open311', permission: 'open311.manage' },
  { key: 'audit', path: '/audit', permission: 'audit.read' },
  { key: 'security', path: '/security', permission: 'security.manage' },
];

/** The entries a user with these permissions may open. The server enforces the same rules. */
export function menuFor(permissions: readonly Permission[]): MenuEntry[] {
  const granted = new Set(permissions);
  const open = MENU.filter((entry) => entry.permission === null || granted.has(entry.permission));
  // The dashboard summarises areas: whoever reads none but has a section of their own (the
  // auditor: 三权分立) goes without it.
  return !granted.has('area.read') && open.length > 1 ? open.filter((entry) => entry.key !== 'dashboard') : open;
}

/** Where a user lands after signing in when no page was asked for: the first section they may open. */
export function homePathFor(permissions: readonly Permission[]): string {
  return menuFor(permissions)[0]?.path ?? '/dashboard';
}

/** The menu entry that owns a location, for highlighting ("/users/12" belongs to users). */
export function menuKeyForPath(pathname: string): MenuKey | undefined {
  // The exact entry first: '/cases/new' is the report form, not the inbox; then the deepest section
  // ('/cases/kpi/cases' belongs to the KPIs, not to the inbox).
  const under = MENU.filter((entry) => pathname.startsWith(`${entry.path}/`)).sort((a, b) => b.path.length - a.path.length);
  return (MENU.find((entry) => pathname === entry.path) ?? under[0])?.key;
}

/**
 * Where to go after signing in: the page the user was sent away from, if it is one of ours.
 * Only same-site paths are accepted, so a crafted link cannot bounce users to another site.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/dashboard';
  if (next === '/login' || next.startsWith('/login?')) return '/dashboard';
  return next;
}

/** The login URL that brings the user back to `returnTo` afterwards. */
export function loginPath(returnTo: string, reason?: string): string {
  const params = new URLSearchParams();
  if (returnTo && returnTo !== '/' && !returnTo.startsWith('/login')) params.set('next', returnTo);
  if (reason) params.set('reason', reason);
  const search = params.toString();
  return search ? `/login?${search}` : '/login';
}
