// @vitest-environment jsdom
import { permissionsOf } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { homePathFor, loginPath, menuFor, menuKeyForPath, safeNextPath } from './menu';

describe('menuFor', () => {
  const keysFor = (...roles: Parameters<typeof permissionsOf>[0]) => menuFor(permissionsOf(roles)).map((e) => e.key);

  it.each([
    [['system_admin'] as const, ['dashboard', 'areas', 'map', 'divisions', 'users', 'departments', 'groupConfig', 'calendar', 'affairs', 'jobs', 'open311']],
    [['area_admin'] as const, ['dashboard', 'cases', 'caseReport', 'hotline', 'caseKpi', 'areas', 'map', 'people', 'households', 'organisations', 'components', 'visits', 'proposals', 'divisions', 'users', 'departments', 'calendar', 'affairs', 'open311']],
    [['audit_admin'] as const, ['audit']],
    [['security_admin'] as const, ['dashboard', 'security']],
    [['grid_leader'] as const, ['dashboard', 'cases', 'caseReport', 'caseKpi', 'areas', 'map', 'people', 'households', 'organisations', 'components', 'visits', 'proposals', 'users', 'departments', 'affairs']],
    [['grid_worker'] as const, ['dashboard', 'cases', 'caseReport', 'caseKpi', 'areas', 'map', 'people', 'households', 'organisations', 'components', 'visits', 'affairs']],
    [['dept_staff'] as const, ['dashboard', 'cases', 'caseKpi', 'areas', 'map', 'people', 'households', 'organisations', 'components', 'visits', 'departments', 'affairs']],
    // They report what they see (the resident form) and follow their own reports.
    [['party_member'] as const, ['dashboard', 'caseReport']],
    [['volunteer'] as const, ['dashboard', 'caseReport']],
    [['resident'] as const, ['caseReport']],
    [['area_admin', 'audit_admin'] as const, ['dashboard', 'cases', 'caseReport', 'hotline', 'caseKpi', 'areas', 'map', 'people', 'households', 'organisations', 'components', 'visits', 'proposals', 'divisions', 'users', 'departments', 'calendar', 'affairs', 'open311', 'audit']],
  ])('%j sees %j', (roles, expected) => {
    expect(keysFor(...roles)).toEqual(expected);
  });
});

describe('homePathFor', () => {
  it('lands the auditor on the audit trail and everyone else on the dashboard', () => {
    expect(homePathFor(permissionsOf(['audit_admin']))).toBe('/audit');
    expect(homePathFor(permissionsOf(['grid_worker']))).toBe('/dashboard');
    // Residents report through the public page (a later change); in the console they have no section.
    expect(homePathFor(permissionsOf(['resident']))).toBe('/cases/new');
  });
});

describe('menuKeyForPath', () => {
  it('highlights the section that owns a path', () => {
    expect(menuKeyForPath('/users')).toBe('users');
    expect(menuKeyForPath('/map')).toBe('map');
    expect(menuKeyForPath('/divisions')).toBe('divisions');
    expect(menuKeyForPath('/users/12')).toBe('users');
    expect(menuKeyForPath('/cases/12')).toBe('cases');
    expect(menuKeyForPath('/cases/new')).toBe('caseReport');
    expect(menuKeyForPath('/cases/hotline')).toBe('hotline');
    expect(menuKeyForPath('/cases/kpi/cases')).toBe('caseKpi');
    expect(menuKeyForPath('/usersx')).toBeUndefined();
    expect(menuKeyForPath('/change-password')).toBeUndefined();
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/users?page=2', '/users?page=2'],
    [null, '/dashboard'],
    ['https://evil.example/', '/dashboard'],
    ['//evil.example/', '/dashboard'],
    ['/\\evil.example', '/dashboard'],
    ['/login?next=/users', '/dashboard'],
  ])('%s -> %s', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });
});

describe('loginPath', () => {
  it('remembers where the user was going and why they left', () => {
    expect(loginPath('/users?q=张', 'session_expired')).toBe('/login?next=%2Fusers%3Fq%3D%E5%BC%A0&reason=session_expired');
    expect(loginPath('/')).toBe('/login');
  });
});
