import type { AreaDetail, CreatePlace, UpdateArea } from '@redgrid/contracts';
import { sql } from 'kysely';
import type { RequestContext } from '../../../platform/context.ts';
import { appendAudit } from '../../../platform/audit.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { requirePermission, requireScope } from '../../../platform/scope.ts';
import { inTransaction } from '../../../platform/transaction.ts';
import { nextChildCode } from '../tree/area-code.ts';
import { issuedCodes, lockAreas, recountHouseholds } from '../adjustment/area-adjust.repository.ts';
import { pointToWgs84 } from '../geography/area-geo.service.ts';
import { getArea } from '../tree/area.service.ts';

/** Digits a building adds to its grid's code (00001–99999, Xi'an DB6101/T 3185) and a unit to its building's. */
const BUILDING_DIGITS = 5;
const UNIT_DIGITS = 2;

/** Renames an area, sets its household figure, grid type, or the household range for the grids below it. */
export async function updateArea(ctx: RequestContext, id: number, input: UpdateArea): Promise<AreaDetail> {
  requirePermission(ctx, 'area.manage');
  const scope = requireScope(ctx);
  await inTransaction(ctx, async (tx) => {
    const [area] = await lockAreas(tx, scope, [id]);
    if (!area) throw notFound('区域');
    if ((input.gridType !== undefined || input.gridSubtype !== undefined) && area.level !== 'grid') {
      throw new AppError('validation_failed', '只有网格有网格类型', { fields: { gridType: ['只有网格有网格类型'] } });
    }
    const before = await tx.selectFrom('areas').select(['name', 'households', 'grid_type', 'grid_subtype', 'balance_min', 'balance_max']).where('id', '=', id).executeTakeFirstOrThrow();
    const min = input.balanceMin === undefined ? before.balance_min : input.balanceMin;
    const max = input.balanceMax === undefined ? before.balance_max : input.balanceMax;
    if (min !== null && max !== null && max < min) throw new AppError('validation_failed', '户数上限须不小于下限', { fields: { balanceMax: ['户数上限须不小于下限'] } });
    await tx
      .updateTable('areas')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.households !== undefined ? { households: input.households } : {}),
        ...(input.gridType !== undefined ? { grid_type: input.gridType } : {}),
        ...(input.gridSubtype !== undefined ? { grid_subtype: input.gridSubtype } : {}),
        ...(input.balanceMin !== undefined ? { balance_min: input.balanceMin } : {}),
        ...(input.balanceMax !== undefined ? { balance_max: input.balanceMax } : {}),
        updated_at: ctx.clock(),
      })
      .where('id', '=', id)
      .execute();
    if (input.households !== undefined && area.level === 'building' && area.parentId !== null) await recountHouseholds(tx, [area.parentId]);
    const after = await tx.selectFrom('areas').select(['name', 'households', 'grid_type', 'grid_subtype', 'balance_min', 'balance_max']).where('id', '=', id).executeTakeFirstOrThrow();
    await appendAudit(tx, ctx, { action: 'update', entity: 'area', entityId: id, areaId: id, before, after });
  });
  return getArea(ctx, id);
}

/** Adds a building to a grid (at a position, in any crs) or a unit to a building, with its households. */
export async function createPlace(ctx: RequestContext, input: CreatePlace): Promise<AreaDetail> {
  requirePermission(ctx, 'area.manage');
  const scope = requireScope(ctx);
  const id = await inTransaction(ctx, async (tx) => {
    const [parent] = await lockAreas(tx, scope, [input.parentId]);
    if (!parent) throw new AppError('validation_failed', '上级区域不存在或不在您的管辖范围内', { fields: { parentId: ['上级区域不存在或不在管辖范围内'] } });
    if (parent.status !== 'active') throw new AppError('conflict', `${parent.name}已撤销`);
    const wanted = input.level === 'building' ? 'grid' : 'building';
    if (parent.level !== wanted) {
      throw new AppError('validation_failed', input.level === 'building' ? '楼栋须建在网格之下' : '单元须建在楼栋之下', { fields: { parentId: [`上级须是${wanted === 'grid' ? '网格' : '楼栋'}`] } });
    }
    if (input.level === 'building' && !input.location) throw new AppError('validation_failed', '请给出楼栋位置', { fields: { location: ['请给出楼栋位置'] } });
    const digits = input.level === 'building' ? BUILDING_DIGITS : UNIT_DIGITS;
    const code = nextChildCode(parent.code, await issuedCodes(tx, parent.code, parent.code.length + digits), digits);
    const point = input.location ? pointToWgs84(input.location.lng, input.location.lat, input.location.crs, 'location.lng') : null;
    const { rows } = await sql<{ id: number; inside: boolean | null }>`
      INSERT INTO areas (code, name, level, parent_id, households, location)
      VALUES (${code}, ${input.name}, ${input.level}, ${parent.id}, ${input.households},
              ${point ? sql`ST_SetSRID(ST_MakePoint(${point[0]}::float8, ${point[1]}::float8), 4326)` : sql`NULL`})
      RETURNING id, (SELECT ST_Intersects(b.geom, areas.location) FROM area_boundaries b WHERE b.area_id = ${parent.id} AND b.valid_to IS NULL) AS inside`.execute(tx);
    const row = rows[0];
    if (!row) throw new Error('insert returned nothing');
    if (input.level === 'building' && row.inside === false) {
      throw new AppError('validation_failed', `该位置不在${parent.name}内`, { fields: { location: [`位置不在${parent.name}内`] } });
    }
    if (input.level === 'building') await recountHouseholds(tx, [parent.id]);
    await appendAudit(tx, ctx, { action: 'create', entity: 'area', entityId: row.id, areaId: parent.id, after: { code, name: input.name, level: input.level, households: input.households } });
    return row.id;
  });
  return getArea(ctx, id);
}
