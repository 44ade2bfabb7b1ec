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
});
