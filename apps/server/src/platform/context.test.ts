import { describe, expect, it } from 'vitest';
import { scopeFromRoles } from './context.ts';
import { pathInScope } from './scope.ts';

describe('scopeFromRoles', () => {
  it('keeps only the outermost subtrees', () => {
    const scope = scopeFromRoles([{ areaPath: '/1/2/5/' }, { areaPath: '/1/2/' }, { areaPath: '/1/3/' }, { areaPath: '/1/2/' }]);
    expect(scope.areas).toEqual(['/1/2/', '/1/3/']);
  });

  it('does not confuse /1/2/ with /1/23/', () => {
    const scope = scopeFromRoles([{ areaPath: '/1/2/' }]);
    expect(pathInScope(scope, '/1/2/9/')).toBe(true);
    expect(pathInScope(scope, '/1/23/')).toBe(false);
  });

  it('is empty without roles', () => {
    expect(scopeFromRoles([]).areas).toEqual([]);
  });

  it('reaches the departments of dept_staff assignments, and keeps their areas', () => {
    const scope = scopeFromRoles([
      { role: 'dept_staff', areaPath: '/1/2/', departmentId: 7 },
      { role: 'dept_staff', areaPath: '/1/3/', departmentId: 4 },
      { role: 'dept_staff', areaPath: '/1/2/', departmentId: 7 },
      // A dept_staff assignment from before departments existed names none; no other role adds one.
      { role: 'dept_staff', areaPath: '/1/5/', departmentId: null },
      { role: 'grid_worker', areaPath: '/1/6/', departmentId: 9 },
    ]);
    expect(scope.departments).toEqual([4, 7]);
    expect(scope.areas).toEqual(['/1/2/', '/1/3/', '/1/5/', '/1/6/']);
    expect(scopeFromRoles([{ role: 'area_admin', areaPath: '/1/' }]).departments).toEqual([]);
  });
});
