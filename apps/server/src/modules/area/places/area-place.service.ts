import type { AreaDetail, CreatePlace, UpdateArea } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { write } from '../../../platform/unit-of-work.ts';
import { nextChildCode } from '../tree/area-code.ts';
import { loadAreaDetail } from '../tree/area.service.ts';
import { areaAdjustRepository } from '../adjustment/area-adjust.repository.ts';
import { pointToWgs84 } from '../geography/area-geo.service.ts';
import { areaPlaceRepository } from './area-place.repository.ts';

/** Digits a building adds to its grid's code (00001–99999, Xi'an DB6101/T 3185) and a unit to its building's. */
const BUILDING_DIGITS = 5;
const UNIT_DIGITS = 2;

/** Renames an area, sets its household figure, grid type, the household range for the grids below it, or its grade (case time limits). */
export async function updateArea(ctx: RequestContext, id: number, input: UpdateArea): Promise<AreaDetail> {
  return write(ctx, 'area.manage', async (unit) => {
    const tree = unit.use(areaAdjustRepository);
    const places = unit.use(areaPlaceRepository);
    const [area] = await tree.lockAreas([id]);
    if (!area) throw notFound('区域');
    if ((input.gridType !== undefined || input.gridSubtype !== undefined) && area.level !== 'grid') {
      throw new AppError('validation_failed', '只有网格有网格类型', { fields: { gridType: ['只有网格有网格类型'] } });
    }
    if (input.grade !== undefined && !['street', 'community', 'grid'].includes(area.level)) {
      throw new AppError('validation_failed', '只有街道、社区和网格可设等级', { fields: { grade: ['只有街道、社区和网格可设等级'] } });
    }
    if (input.location !== undefined && (area.level !== 'building' || area.parentId === null)) {
      throw new AppError('validation_failed', '只有楼栋有位置', { fields: { location: ['只有楼栋有位置'] } });
    }
    const before = await places.attributes(id);
    if (!before) throw notFound('区域');
    const min = input.balanceMin === undefined ? before.balance_min : input.balanceMin;
    const max = input.balanceMax === undefined ? before.balance_max : input.balanceMax;
    if (min !== null && max !== null && max < min) throw new AppError('validation_failed', '户数上限须不小于下限', { fields: { balanceMax: ['户数上限须不小于下限'] } });
    await places.setAttributes(id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.households !== undefined ? { households: input.households } : {}),
      ...(input.gridType !== undefined ? { gridType: input.gridType } : {}),
      ...(input.gridSubtype !== undefined ? { gridSubtype: input.gridSubtype } : {}),
      ...(input.balanceMin !== undefined ? { balanceMin: input.balanceMin } : {}),
      ...(input.balanceMax !== undefined ? { balanceMax: input.balanceMax } : {}),
      ...(input.grade !== undefined ? { grade: input.grade } : {}),
      at: ctx.clock(),
    });
    let moved: { lng: number; lat: number } | undefined;
    if (input.location !== undefined && area.parentId !== null) {
      const point = pointToWgs84(input.location.lng, input.location.lat, input.location.crs, 'location.lng');
      // A building moves within its grid; moving it to another grid is a boundary matter (adjustments).
      if ((await places.setLocation(id, area.parentId, point, ctx.clock())) === false) {
        const [grid] = await tree.lockAreas([area.parentId]);
        const name = grid?.name ?? '所在网格';
        throw new AppError('validation_failed', `该位置不在${name}内`, { fields: { location: [`位置不在${name}内`] } });
      }
      moved = { lng: point[0], lat: point[1] };
    }
    if (input.households !== undefined && area.level === 'building' && area.parentId !== null) await tree.recountHouseholds([area.parentId]);
    const after = await places.attributes(id);
    await unit.audit({ action: 'update', entity: 'area', entityId: id, areaId: id, before, after: moved ? { ...after, location: moved } : after });
    return loadAreaDetail(ctx, unit, id);
  });
}

/** Adds a building to a grid (at a position, in any crs) or a unit to a building, with its households. */
export async function createPlace(ctx: RequestContext, input: CreatePlace): Promise<AreaDetail> {
  return write(ctx, 'area.manage', async (unit) => {
    const tree = unit.use(areaAdjustRepository);
    const [parent] = await tree.lockAreas([input.parentId]);
    if (!parent) throw new AppError('validation_failed', '上级区域不存在或不在您的管辖范围内', { fields: { parentId: ['上级区域不存在或不在管辖范围内'] } });
    if (parent.status !== 'active') throw new AppError('conflict', `${parent.name}已撤销`);
    const wanted = input.level === 'building' ? 'grid' : 'building';
    if (parent.level !== wanted) {
      throw new AppError('validation_failed', input.level === 'building' ? '楼栋须建在网格之下' : '单元须建在楼栋之下', { fields: { parentId: [`上级须是${wanted === 'grid' ? '网格' : '楼栋'}`] } });
    }
    if (input.level === 'building' && !input.location) throw new AppError('validation_failed', '请给出楼栋位置', { fields: { location: ['请给出楼栋位置'] } });
    const digits = input.level === 'building' ? BUILDING_DIGITS : UNIT_DIGITS;
    const code = nextChildCode(parent.code, await tree.issuedCodes(parent.code, parent.code.length + digits), digits);
    const point = input.location ? pointToWgs84(input.location.lng, input.location.lat, input.location.crs, 'location.lng') : null;
    const row = await unit.use(areaPlaceRepository).insert({ code, name: input.name, level: input.level, parentId: parent.id, households: input.households, point });
    if (input.level === 'building' && row.inside === false) {
      throw new AppError('validation_failed', `该位置不在${parent.name}内`, { fields: { location: [`位置不在${parent.name}内`] } });
    }
    if (input.level === 'building') await tree.recountHouseholds([parent.id]);
    await unit.audit({ action: 'create', entity: 'area', entityId: row.id, areaId: parent.id, after: { code, name: input.name, level: input.level, households: input.households } });
    return loadAreaDetail(ctx, unit, row.id);
  });
}
