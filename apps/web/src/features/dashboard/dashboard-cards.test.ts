// @vitest-environment jsdom
import { permissionsOf, type Role } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { dashboardCardsFor, type DashboardCard } from './dashboard-cards';

const keysFor = (...roles: Role[]) => dashboardCardsFor(permissionsOf(roles)).map((card) => card.key);

describe('dashboardCardsFor', () => {
  it.each([
    [['area_admin'] as Role[], ['cases', 'households', 'grids', 'subareas', 'users']],
    [['grid_worker'] as Role[], ['cases', 'households', 'grids', 'subareas']],
    [['dept_staff'] as Role[], ['cases', 'households', 'grids', 'subareas']],
  ])('%j gets the grid-work cards %j (and those of modules it reads), not the member card', (roles, expected) => {
    const keys = keysFor(...roles);
    for (const key of expected) expect(keys).toContain(key);
    expect(keys).not.toContain('my-place');
  });

  it.each([
    // A member sees where they belong, by name: no household figures, no accounts.
    [['party_member', 'volunteer'] as Role[], ['my-place']],
    [['security_admin'] as Role[], ['my-place']],
    [['resident'] as Role[], ['my-place']],
  ])('%j gets only %j', (roles, expected) => {
    expect(keysFor(...roles)).toEqual(expected);
  });

  it('puts the case cards first for those who read cases', () => {
    expect(keysFor('grid_worker')[0]).toBe('cases');
    expect(keysFor('audit_admin')).not.toContain('cases');
  });

  it('lets a module add a card that only holders of its permission see', () => {
    const Nothing = () => null;
    const cards: DashboardCard[] = [{ key: 'cases', permission: 'audit.read', Component: Nothing }];
    expect(dashboardCardsFor(permissionsOf(['grid_worker']), cards)).toEqual([]);
    expect(dashboardCardsFor(permissionsOf(['audit_admin']), cards).map((c) => c.key)).toEqual(['cases']);
  });
});
