import {
  adjustmentResultSchema,
  analysisStartSchema,
  areaHistorySchema,
  balanceQuerySchema,
  balanceReportSchema,
  boundaryQuerySchema,
  coverageQuerySchema,
  coverageReportSchema,
  createGridSchema,
  errorBodySchema,
  featureCollectionSchema,
  idParamsSchema,
  locateBatchResultSchema,
  locateBatchSchema,
  locateQuerySchema,
  locateResultSchema,
  mergeGridsSchema,
  redrawSchema,
  retireGridSchema,
  splitGridSchema,
} from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../../platform/http.ts';
import { createGrid, mergeGrids, redrawBoundary, retireGrid, splitGrid } from '../adjustment/area-adjust.service.ts';
import { analysisStart, balanceReport, boundariesAsGeoJson, coverageReport, locatePoint, locatePoints, vectorTile } from './area-geo.service.ts';
import { areaHistory } from './area-history.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** 100,000 points as JSON are about 3 MB. */
const LOCATE_BATCH_BODY_LIMIT = 8 * 1024 * 1024;
/** A redrawn boundary with many vertices. */
const GEOMETRY_BODY_LIMIT = 4 * 1024 * 1024;

export function registerAreaGeoRoutes(app: App): void {
  app.get('/api/areas/locate', {
    config: { permission: 'area.read' },
    schema: { tags: ['geography'], summary: '坐标定位：包含该点的最深区域及其上级（crs 可为 wgs84/gcj02/bd09）', querystring: locateQuerySchema, response: { 200: locateResultSchema, ...errors } },
  }, (req) => locatePoint(ctxOf(req), req.query));

  app.post('/api/areas/locate', {
    config: { permission: 'area.read' },
    bodyLimit: LOCATE_BATCH_BODY_LIMIT,
    schema: { tags: ['geography'], summary: '批量定位（最多 100,000 点）', body: locateBatchSchema, response: { 200: locateBatchResultSchema, ...errors } },
  }, (req) => locatePoints(ctxOf(req), req.body));

  app.get('/api/areas/boundaries', {
    config: { permission: 'area.read' },
    schema: { tags: ['geography'], summary: '边界 GeoJSON（某区域的下级或指定 id）', querystring: boundaryQuerySchema, response: { 200: featureCollectionSchema, ...errors } },
  }, (req) => boundariesAsGeoJson(ctxOf(req), req.query));

  app.get('/api/areas/analysis-start', {
    config: { permission: 'area.report' },
    schema: {
      tags: ['geography'],
      summary: '分析起点：管辖范围内自上而下第一个有边界的区域（都没有边界时为 null）',
      response: { 200: analysisStartSchema, ...errors },
    },
  }, async (req) => analysisStart(ctxOf(req)));

  app.get('/api/areas/:id/coverage', {
    config: { permission: 'area.report' },
    schema: {
      tags: ['geography'],
      summary: '覆盖分析：缝隙、重叠、越界',
      params: idParamsSchema,
      querystring: coverageQuerySchema,
      response: { 200: coverageReportSchema, ...errors },
    },
  }, (req) => coverageReport(ctxOf(req), req.params.id, req.query.minAreaM2));

  app.get('/api/areas/:id/balance', {
    config: { permission: 'area.report' },
    schema: { tags: ['geography'], summary: '规模均衡：每格户数与目标范围', params: idParamsSchema, querystring: balanceQuerySchema, response: { 200: balanceReportSchema, ...errors } },
  }, (req) => balanceReport(ctxOf(req), req.params.id, req.query));

  app.get('/api/areas/:id/history', {
    config: { permission: 'area.read' },
    schema: { tags: ['geography'], summary: '边界版本与调整记录', params: idParamsSchema, response: { 200: areaHistorySchema, ...errors } },
  }, (req) => areaHistory(ctxOf(req), req.params.id));

  app.get('/api/tiles/areas/:z/:x/:y', {
    config: { permission: 'area.read' },
    schema: {
      tags: ['geography'],
      summary: '区域边界矢量瓦片（Mapbox Vector Tile，图层 areas）',
      params: z.object({ z: z.coerce.number().int().min(0).max(22), x: z.coerce.number().int().min(0), y: z.string().regex(/^\d+\.mvt$/, '形如 123.mvt') }).strict(),
    },
  }, async (req, reply) => {
    const tile = await vectorTile(ctxOf(req), req.params.z, req.params.x, Number(req.params.y.slice(0, -4)));
    return reply.header('content-type', 'application/vnd.mapbox-vector-tile').header('cache-control', 'private, max-age=60').send(Buffer.from(tile));
  });

  app.post('/api/areas/grids', {
    config: { permission: 'area.manage' },
    bodyLimit: GEOMETRY_BODY_LIMIT,
    schema: { tags: ['geography'], summary: '新建网格（preview=true 只预览）', body: createGridSchema, response: { 200: adjustmentResultSchema, 201: adjustmentResultSchema, ...errors } },
  }, async (req, reply) => {
    const result = await createGrid(ctxOf(req), req.body);
    return reply.status(result.applied ? 201 : 200).send(result);
  });

  app.post('/api/areas/:id/split', {
    config: { permission: 'area.manage' },
    bodyLimit: GEOMETRY_BODY_LIMIT,
    schema: { tags: ['geography'], summary: '拆分网格（按线或按多边形）', params: idParamsSchema, body: splitGridSchema, response: { 200: adjustmentResultSchema, ...errors } },
  }, (req) => splitGrid(ctxOf(req), req.params.id, req.body));

  app.post('/api/areas/merge', {
    config: { permission: 'area.manage' },
    schema: { tags: ['geography'], summary: '合并网格', body: mergeGridsSchema, response: { 200: adjustmentResultSchema, ...errors } },
  }, (req) => mergeGrids(ctxOf(req), req.body));

  app.put('/api/areas/:id/boundary', {
    config: { permission: 'area.manage' },
    bodyLimit: GEOMETRY_BODY_LIMIT,
    schema: { tags: ['geography'], summary: '调整边界（新版本）', params: idParamsSchema, body: redrawSchema, response: { 200: adjustmentResultSchema, ...errors } },
  }, (req) => redrawBoundary(ctxOf(req), req.params.id, req.body));

  app.post('/api/areas/:id/retire', {
    config: { permission: 'area.manage' },
    schema: { tags: ['geography'], summary: '撤销网格', params: idParamsSchema, body: retireGridSchema, response: { 200: adjustmentResultSchema, ...errors } },
  }, (req) => retireGrid(ctxOf(req), req.params.id, req.body));
}

