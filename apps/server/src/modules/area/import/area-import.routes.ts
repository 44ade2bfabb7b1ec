import { boundaryImportReportSchema, boundaryImportRequestSchema, errorBodySchema } from '@redgrid/contracts';
import { acceptedReport, ctxOf, type App } from '../../../platform/http.ts';
import { importBoundaries } from './area-import.service.ts';

/**
 * Body limit of the boundary import, above the API's default (1 MiB): a district's boundaries as
 * GeoJSON run to a few MB. Only this route takes such bodies. (The division CSV import lives in the
 * division module.)
 */
export const BOUNDARY_GEOJSON_BODY_LIMIT = 32 * 1024 * 1024;

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 422: errorBodySchema };

export function registerAreaImportRoutes(app: App): void {
  app.post('/api/areas/import/boundaries', {
    config: { permission: 'area.manage' },
    bodyLimit: BOUNDARY_GEOJSON_BODY_LIMIT,
    schema: {
      tags: ['areas'],
      summary: '导入区域边界（GeoJSON FeatureCollection）',
      description:
        '按 mapping.code 指定的属性匹配管辖范围内的区域；坐标按 crs（wgs84、gcj02、bd09）换算为 WGS84 保存。任一要素有错则不写入（422 import_rejected，details.report 为逐要素报告）。',
      body: boundaryImportRequestSchema,
      response: { 200: boundaryImportReportSchema, ...errors },
    },
  }, async (req) => acceptedReport(await importBoundaries(ctxOf(req), req.body)));
}
