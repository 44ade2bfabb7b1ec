import type { CaseCounts, CaseMap, CaseState, caseCountsQuerySchema, caseMapQuerySchema } from '@redgrid/contracts';
import type { z } from 'zod';
import type { RequestContext } from '../../platform/context.ts';
import { areaNamesByIds } from '../../platform/cross-scope.repository.ts';
import { notFound } from '../../platform/errors.ts';
import { read } from '../../platform/unit-of-work.ts';
import { areaGeoRepository } from '../area/index.ts';
import { alarmAt } from './case-deadline.ts';
import { caseMapRepository } from './case-map.repository.ts';
import { caseScope } from './case.service.ts';

/** Grids listed with cases that have no point, at most (a district has a few hundred grids). */
const UNLOCATED_GRIDS = 1000;

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

/**
 * The case map: the cases in these states with a point in the box, as GeoJSON (WGS84), within what the
 * caller reads (area staff by the tree, a department's staff only what was dispatched to it), at most
 * `limit` — the most pressing kept, `truncated` said. Cases located only by their reporter's grid have no
 * point: they are counted per grid instead of being drawn at a made-up place.
 */
export function caseMap(ctx: RequestContext, q: z.output<typeof caseMapQuerySchema>): Promise<CaseMap> {
  return read(ctx, 'case.read', async (unit) => {
    const now = ctx.clock();
    const repo = unit.use((db, scope) => caseMapRepository(db, caseScope(unit.actor, scope)));
    const rows = await repo.points({ states: q.states, bbox: q.bbox, now, limit: q.limit + 1 });
    const unlocated = await repo.unlocatedByGrid({ states: q.states, limit: UNLOCATED_GRIDS });
    const names = await unit.use((db) => areaNamesByIds(db, unlocated.map((u) => Number(u.gridId))));
    return {
      type: 'FeatureCollection',
      features: rows.slice(0, q.limit).map((r) => ({
        type: 'Feature' as const,
        id: r.id,
        geometry: { type: 'Point' as const, coordinates: [Number(r.lng), Number(r.lat)] as [number, number] },
        properties: {
          id: r.id,
          caseNo: r.caseNo,
          title: r.title,
          itemName: r.itemName,
          urgency: r.urgency as CaseMap['features'][number]['properties']['urgency'],
          alarm: alarmAt({ dueYellowAt: r.dueYellowAt ? new Date(r.dueYellowAt) : null, dueRedAt: r.dueRedAt ? new Date(r.dueRedAt) : null }, now),
          supervision: r.supervision as CaseMap['features'][number]['properties']['supervision'],
          state: r.state as CaseState,
          dueRedAt: iso(r.dueRedAt),
        },
      })),
      truncated: rows.length > q.limit,
      unlocated: unlocated.map((u) => ({ gridId: Number(u.gridId), gridName: names.get(Number(u.gridId))?.name ?? null, count: Number(u.count) })),
    };
  });
}

const BEIJING_MS = 8 * 3600_000;

/** The dashboard's case figures for an area the caller reads (and everything under it), or the whole scope. */
export function caseCounts(ctx: RequestContext, q: z.output<typeof caseCountsQuerySchema>): Promise<CaseCounts> {
  return read(ctx, 'case.read', async (unit) => {
    let areaPath: string | undefined;
    if (q.areaId !== undefined) {
      if (!(await unit.use(areaGeoRepository).listBriefs([q.areaId]))[0]) throw notFound('区域');
      areaPath = (await unit.use((db) => areaNamesByIds(db, [q.areaId!]))).get(q.areaId)?.path;
    }
    const now = ctx.clock();
    const dayStart = new Date(Math.floor((now.getTime() + BEIJING_MS) / 86_400_000) * 86_400_000 - BEIJING_MS);
    const repo = unit.use((db, scope) => caseMapRepository(db, caseScope(unit.actor, scope)));
    return repo.counts({ areaPath, now, dayStart });
  });
}
