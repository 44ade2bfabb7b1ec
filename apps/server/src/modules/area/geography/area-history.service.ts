import { sql } from 'kysely';
import type { RequestContext } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { requirePermission, requireScope } from '../../../platform/scope.ts';
import { findArea } from '../tree/area.repository.ts';

/** Boundary versions of an area and the changes that made them: "what did this grid look like, and who changed it". */
export async function areaHistory(ctx: RequestContext, areaId: number) {
  requirePermission(ctx, 'area.read');
  const db = ctx.database.db;
  const area = await findArea(db, requireScope(ctx), areaId);
  if (!area) throw notFound('区域');
  const { rows: versions } = await sql<{ id: number; validFrom: Date; validTo: Date | null; changeId: number | null; areaM2: number }>`
    SELECT id, valid_from AS "validFrom", valid_to AS "validTo", change_id AS "changeId", ST_Area(geom::geography) AS "areaM2"
      FROM area_boundaries WHERE area_id = ${areaId} ORDER BY valid_from`.execute(db);
  const changeIds = versions.flatMap((v) => (v.changeId === null ? [] : [v.changeId]));
  const { rows: changes } = await sql<{ id: number; kind: string; at: Date; actorName: string | null; summary: unknown }>`
    SELECT c.id, c.kind, c.at, u.username AS "actorName", c.summary
      FROM area_changes c LEFT JOIN users u ON u.id = c.actor_id
     WHERE c.id = ANY(${changeIds}::bigint[]) OR (c.area_id = ${areaId})
     ORDER BY c.at, c.id`.execute(db);
  return {
    versions: versions.map((v) => ({ id: v.id, validFrom: v.validFrom.toISOString(), validTo: v.validTo?.toISOString() ?? null, changeId: v.changeId, areaM2: Math.round(v.areaM2) })),
    changes: changes.map((c) => ({ id: c.id, kind: c.kind, at: c.at.toISOString(), actorName: c.actorName, summary: c.summary })),
  };
}
