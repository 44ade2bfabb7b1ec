import type { RequestContext } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { read } from '../../../platform/unit-of-work.ts';
import { areaRepository } from '../tree/area.repository.ts';
import { areaHistoryRepository } from './area-history.repository.ts';

/** Boundary versions of an area and the changes that made them: "what did this grid look like, and who changed it". */
export async function areaHistory(ctx: RequestContext, areaId: number) {
  return read(ctx, 'area.read', async ({ use }) => {
    const area = await use(areaRepository).find(areaId);
    if (!area) throw notFound('区域');
    const history = use(areaHistoryRepository);
    const versions = await history.boundaryVersions(areaId);
    const changes = await history.changes(areaId, versions.flatMap((v) => (v.changeId === null ? [] : [v.changeId])));
    return {
      versions: versions.map((v) => ({ id: v.id, validFrom: v.validFrom.toISOString(), validTo: v.validTo?.toISOString() ?? null, changeId: v.changeId, areaM2: Math.round(v.areaM2) })),
      changes: changes.map((c) => ({ id: c.id, kind: c.kind, at: c.at.toISOString(), actorName: c.actorName, summary: c.summary })),
    };
  });
}
