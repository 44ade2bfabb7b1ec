import type { BoundaryImportReport, BoundaryImportRequest, CrsName } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { commonAncestorId, issueTotals, IssueList } from '../../../platform/import-report.ts';
import { write } from '../../../platform/unit-of-work.ts';
import { areaImportRepository, type AreaImportRepository, type BoundaryInput, type CrsFit, type CrsReading } from './area-import.repository.ts';
import { checkBoundaryFeatures, describeValidity, otherReadings, suspectCrs, type BoundaryCandidate } from './boundary-features.ts';

/** A self-intersecting boundary is repaired only when ST_MakeValid changes its area by less than this share. */
export const REPAIR_MAX_AREA_CHANGE = 0.01;

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function declaredReading(input: BoundaryInput, candidate: BoundaryCandidate | undefined): { input: BoundaryInput; declared: BoundaryCandidate['declared'] }[] {
  return candidate ? [{ input, declared: candidate.declared }] : [];
}

/**
 * Features that sit where they would if the file's coordinates were in another crs than the one
 * declared (`suspectCrs`): each becomes a warning naming the likely crs, in the dry run and before
 * anything is applied.
 */
async function crsSuspects(repo: AreaImportRepository, crs: CrsName, features: { input: BoundaryInput; declared: BoundaryCandidate['declared'] }[]): Promise<{ feature: number; message: string }[]> {
  if (features.length === 0) return [];
  const readings: CrsReading[] = features.flatMap(({ input, declared }) =>
    otherReadings(declared, crs).map((r) => ({ feature: input.feature, areaId: input.areaId, crs: r.crs, geojson: r.crs === crs ? input.geojson : JSON.stringify(r.geometry) })),
  );
  const byFeature = new Map<number, CrsFit[]>();
  for (const fit of await repo.crsFits(readings)) byFeature.set(fit.feature, [...(byFeature.get(fit.feature) ?? []), fit]);
  const suspects: { feature: number; message: string }[] = [];
  for (const [feature, fits] of byFeature) {
    const suspect = suspectCrs(crs, fits);
    if (suspect) suspects.push({ feature, message: `${suspect.message}，请确认 crs 后再导入` });
  }
  return suspects.sort((a, b) => a.feature - b.feature);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.001 ? 3 : 2)}%`;
}

/**
 * Imports boundaries for existing areas from a GeoJSON FeatureCollection: features are matched to
 * areas in the caller's scope by the code property named in `mapping`, converted from the declared
 * crs to WGS84, checked (and, with `repair`, made valid where that is safe). Each imported boundary
 * closes the area's current version and opens a new one, all under one area_changes row; a feature
 * equal to the current boundary changes nothing. Any error: nothing is written.
 */
export async function importBoundaries(ctx: RequestContext, request: BoundaryImportRequest): Promise<BoundaryImportReport> {
  const started = performance.now();
  const errors = new IssueList();
  const warnings = new IssueList();
  const candidates = checkBoundaryFeatures(request, errors);
  const total = request.featureCollection.features.length;

  return write(ctx, 'area.manage', async (unit) => {
    const repo = unit.use(areaImportRepository);
    await repo.lockBoundaries();
    const areas = await repo.findAreasInScopeByCodes(candidates.map((c) => c.code));
    const inputs: BoundaryInput[] = [];
    const paths = new Map<number, string>();
    for (const c of candidates) {
      const at = { feature: c.feature, areaCode: c.code };
      const area = areas.get(c.code);
      if (!area) {
        // The same answer whether the code is unknown or outside the scope: probing reveals nothing.
        errors.add({ ...at, field: `properties.${request.mapping.code}`, code: 'unknown_area', message: `区域 ${c.code} 不存在或不在您的管辖范围内` });
        continue;
      }
      if (area.status === 'retired') {
        errors.add({ ...at, code: 'area_retired', message: `区域 ${c.code}（${area.name}）已撤销，不能导入边界` });
        continue;
      }
      if (c.name !== null && c.name !== area.name) {
        warnings.add({ ...at, field: `properties.${request.mapping.name ?? ''}`, code: 'name_mismatch', message: `要素名称“${c.name}”与区域 ${c.code} 的名称“${area.name}”不同，请确认代码是否对应` });
      }
      inputs.push({ feature: c.feature, areaId: area.id, geojson: JSON.stringify(c.geometry) });
      paths.set(c.feature, area.path);
    }

    const byFeature = new Map(inputs.map((i) => [i.feature, i]));
    const codeOf = new Map(candidates.map((c) => [c.feature, c.code]));
    const toWrite: BoundaryInput[] = [];
    let created = 0;
    let replaced = 0;
    let unchanged = 0;
    let repaired = 0;
    for (const v of await repo.checkGeometries(inputs)) {
      const input = byFeature.get(v.feature);
      if (!input) continue;
      const at = { feature: v.feature, field: 'geometry', areaCode: codeOf.get(v.feature) ?? '' };
      if (!v.valid) {
        const what = describeValidity(v.reason);
        const change = v.drawnArea > 0 ? Math.abs(v.repairedArea - v.drawnArea) / v.drawnArea : Number.POSITIVE_INFINITY;
        if (!request.repair) {
          errors.add({ ...at, code: 'invalid_geometry', message: `边界无效：${what}；可设置 repair=true 尝试自动修复` });
          continue;
        }
        if (v.repairedEmpty || !(change < REPAIR_MAX_AREA_CHANGE)) {
          const how = Number.isFinite(change) ? `修复后面积变化 ${percent(change)}，超过 ${percent(REPAIR_MAX_AREA_CHANGE)}` : '自相交的部分相互抵消，修复前后面积无法比较';
          errors.add({ ...at, code: 'invalid_geometry', message: `边界无效：${what}；${how}，无法安全修复，未导入` });
          continue;
        }
        warnings.add({ ...at, code: 'repaired_geometry', message: `边界${what}，已自动修复（面积变化 ${percent(change)}）` });
        repaired += 1;
      }
      if (v.sameAsCurrent) {
        unchanged += 1;
      } else {
        if (v.hasCurrent) replaced += 1;
        else created += 1;
        toWrite.push(input);
      }
    }

    if (errors.count === 0) {
      const declared = new Map(candidates.map((c) => [c.feature, c]));
      for (const w of await crsSuspects(repo, request.crs, toWrite.flatMap((i) => declaredReading(i, declared.get(i.feature))))) {
        warnings.add({ feature: w.feature, field: 'crs', areaCode: codeOf.get(w.feature) ?? '', code: 'crs_suspect', message: w.message });
      }
    }

    const report = (applied: boolean, changeId: number | null, message: string): BoundaryImportReport => ({
      kind: 'boundaries',
      applied,
      dryRun: request.dryRun,
      ...issueTotals(total, errors, warnings),
      changeId,
      durationMs: elapsed(started),
      message,
      created,
      replaced,
      unchanged,
      repaired,
    });
    const counts = `新增 ${created} 个边界、替换 ${replaced} 个，${unchanged} 个与现有边界相同`;
    if (errors.count > 0) return report(false, null, `导入未执行：${errors.count} 个要素有错误；没有写入任何数据`);
    if (request.dryRun) return report(false, null, `试导入通过：将${counts}`);
    if (toWrite.length === 0) return report(false, null, `没有需要变更的内容：${unchanged} 个边界与现有边界相同`);

    const at = ctx.clock();
    const touched = toWrite.flatMap((i) => paths.get(i.feature) ?? []);
    const areaId = commonAncestorId(touched) ?? toWrite[0]?.areaId ?? 0;
    const summary = {
      source: 'boundaries_geojson',
      crs: request.crs,
      features: total,
      created,
      replaced,
      unchanged,
      repaired,
      areaIds: toWrite.slice(0, 100).map((i) => i.areaId),
    };
    const changeId = await repo.recordImportChange({ at, actorId: unit.actor.id, areaId, summary });
    await repo.closeBoundaries(toWrite.map((i) => i.areaId), at);
    await repo.openBoundaries(toWrite, at, changeId);
    await unit.audit({ action: 'import', entity: 'area_change', entityId: changeId, areaId, after: summary });
    return report(true, changeId, `导入完成：${counts}`);
  });
}
