import { describe, expect, it } from 'vitest';
import { objectFromSnapshots } from './audit-object.ts';

describe('objectFromSnapshots', () => {
  it.each([
    ['an account by its display name and username', 'user', null, { username: 'zb_worker', displayName: '刘芳', roles: [] }, { name: '刘芳', code: 'zb_worker' }],
    ['an account that only left its username (a forced sign-out)', 'user', null, { username: 'zb_worker' }, { name: null, code: 'zb_worker' }],
    ['an area after its change, before it when deleted', 'area', { name: '旧名', code: '320412001001' }, { name: '新名' }, { name: '新名', code: '320412001001' }],
    ['a division edition', 'division_edition', { name: '2021', rows: 1 }, null, { name: '2021', code: null }],
    ['a refused request by its route', 'api', null, { status: 404, method: 'GET', route: '/api/areas/:id' }, { name: 'GET /api/areas/:id', code: null }],
    ['a row that holds nothing', 'user', null, null, { name: null, code: null }],
  ])('%s', (_what, entity, before, after, expected) => {
    expect(objectFromSnapshots(entity, before, after)).toEqual(expected);
  });
});
