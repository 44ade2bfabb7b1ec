import { caseActionRequestSchema, caseDetailSchema, caseKpiBreakdownQuerySchema, caseKpiBreakdownSchema, caseKpiExportQuerySchema, caseKpiQuerySchema, caseCountsQuerySchema, caseCountsSchema, caseMapQuerySchema, caseMapSchema, caseKpiSchema, caseListQuerySchema, caseListSchema, errorBodySchema, idParamsSchema, reportCaseSchema } from '@redgrid/contracts';
import { caseDuplicateListSchema, caseDuplicateQuerySchema, caseFollowSchema } from '@redgrid/contracts';
import { ctxOf, type App } from '../../platform/http.ts';
import { caseCounts, caseMap } from './case-map.service.ts';
import { sendFile } from '../exchange/index.ts';
import { caseKpi, caseKpiBreakdown, exportCaseKpi } from './case-kpi-breakdown.ts';
import { duplicatesNear, duplicatesOfCase, followCase } from './case.service.ts';
import { actOnCase, getCase, listCases, reportCase } from './case.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const tags = ['cases'];

/** Cases (网格事件): report, the inbox, one case with its timeline, and every workflow action. */
export function registerCaseRoutes(app: App): void {
  app.post('/api/cases', {
    config: { permission: 'case.report' },
    schema: { tags, summary: '上报事件（位置定网格；可当场自办自结；clientKey 防重复提交）', body: reportCaseSchema, response: { 201: caseDetailSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await reportCase(ctxOf(req), req.body)));

  app.get('/api/cases', {
    // case.read lists by view; case.report alone (a resident) lists their own reports (我的上报).
    config: { permission: 'signed_in' },
    schema: { tags, summary: '案件列表：我的待办、本辖区、超期、我上报的、已结案（超期与红黄牌在前）；只能上报的居民只看到自己上报的', querystring: caseListQuerySchema, response: { 200: caseListSchema, ...errors } },
  }, (req) => listCases(ctxOf(req), req.query));

  app.get('/api/cases/kpi', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '考核指标：区域（含下级）在统计周期内上报的案件——自办自结率、按级上报、处置率、按期处置率、结案率、返工率、延期率、超期、红黄牌、平均处置时长（工作时）、满意率', querystring: caseKpiQuerySchema, response: { 200: caseKpiSchema, ...errors } },
  }, (req) => caseKpi(ctxOf(req), req.query));

  app.get('/api/cases/kpi/breakdown', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '考核指标分项：按下级区域、按派遣部门、按人员（上报、自办自结、处置、按时上报率、漏报率）', querystring: caseKpiBreakdownQuerySchema, response: { 200: caseKpiBreakdownSchema, ...errors } },
  }, (req) => caseKpiBreakdown(ctxOf(req), req.query));

  app.get('/api/cases/kpi/export', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '导出考核指标表（XLSX，带导出人水印，记入审计）', querystring: caseKpiExportQuerySchema, response: { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } },
  }, async (req, reply) => sendFile(reply, await exportCaseKpi(ctxOf(req), req.query)));

  app.get('/api/cases/map', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '事件地图：范围（bbox，WGS84）内本辖区案件的点位（GeoJSON，默认在办状态，最多 5000 个，超期与红黄牌优先，truncated 表示有截断）；无坐标的按网格计数', querystring: caseMapQuerySchema, response: { 200: caseMapSchema, ...errors } },
  }, (req) => caseMap(ctxOf(req), req.query));

  app.get('/api/cases/counts', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '首页事件卡片：区域（含下级；不填为本辖区）当前在办、超期、预警、红黄牌督办，以及今日上报数', querystring: caseCountsQuerySchema, response: { 200: caseCountsSchema, ...errors } },
  }, (req) => caseCounts(ctxOf(req), req.query));

  app.get('/api/cases/:id', {
    config: { permission: 'signed_in' },
    schema: { tags, summary: '案件详情：时间线与当前用户可执行的操作', params: idParamsSchema, response: { 200: caseDetailSchema, ...errors } },
  }, (req) => getCase(ctxOf(req), req.params.id));

  app.get('/api/cases/duplicates', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '附近已有相同事件：上报前查询同一事项、一定距离（默认 50 米）和时间（默认 72 小时）内未办结的事件（本辖区内，由近及远）', querystring: caseDuplicateQuerySchema, response: { 200: caseDuplicateListSchema, ...errors } },
  }, (req) => duplicatesNear(ctxOf(req), req.query));

  app.get('/api/cases/:id/duplicates', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '并单候选：待受理、已受理的事件附近同一事项的未办结事件（办理人可将本事件并入其一）', params: idParamsSchema, response: { 200: caseDuplicateListSchema, ...errors } },
  }, (req) => duplicatesOfCase(ctxOf(req), req.params.id));

  app.post('/api/cases/:id/follow', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '关注事件：状态变化时收到消息（重复关注无影响）', params: idParamsSchema, response: { 200: caseFollowSchema, ...errors } },
  }, (req) => followCase(ctxOf(req), req.params.id, true));

  app.delete('/api/cases/:id/follow', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '取消关注事件', params: idParamsSchema, response: { 200: caseFollowSchema, ...errors } },
  }, (req) => followCase(ctxOf(req), req.params.id, false));

  app.post('/api/cases/:id/actions', {
    config: { permission: 'signed_in' },
    schema: { tags, summary: '办理操作（受理、上报、派遣、报到、退单、处置、核实、延期、挂账、督办、评价、重办……）；状态不允许时 409 并列出可执行操作', params: idParamsSchema, body: caseActionRequestSchema, response: { 200: caseDetailSchema, ...errors } },
  }, (req) => actOnCase(ctxOf(req), req.params.id, req.body));
}
