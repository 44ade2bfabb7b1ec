import {
  basedataOverviewSchema,
  buildingBoardSchema,
  buildingProfileSchema,
  createHouseholdSchema,
  createGroupSchema,
  createHouseSchema,
  groupConfigSchema,
  updateGroupSchema,
  createPersonSchema,
  errorBodySchema,
  historySchema,
  householdListQuerySchema,
  householdPageSchema,
  householdViewSchema,
  houseRevealedValueSchema,
  houseRevealRequestSchema,
  houseViewSchema,
  idParamsSchema,
  idSchema,
  inspectionInputSchema,
  mergePersonsSchema,
  personDetailSchema,
  personGroupSchema,
  personPageSchema,
  personSearchQuerySchema,
  proposalDecisionSchema,
  proposalViewSchema,
  rentalInputSchema,
  revealedValueSchema,
  revealRequestSchema,
  tagInputSchema,
  updatePersonSchema,
  visitCoverageQuerySchema,
  visitCoverageSchema,
  visitInputSchema,
  visitViewSchema,
} from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../platform/http.ts';
import { sendFile } from '../exchange/index.ts';
import { exportPersons } from './persons/person-export.ts';
import { addInspection, buildingBoard, createHouse, getHouse, revealHouse, saveBuildingProfile, saveRental, verifyHouse, verifyRental } from './buildings/building.service.ts';
import { createHousehold, getHousehold, listHouseholds, verifyHousehold } from './households/household.service.ts';
import { createPerson, getPerson, listGroups, mergePersons, personHistory, revealPerson, searchPersons, tagPerson, untagPerson, updatePerson, verifyPerson } from './persons/person.service.ts';
import { registerClaimRoutes } from './claim.routes.ts';
import { registerOrgComponentRoutes } from './org-component.routes.ts';
import { createGroup, listGroupConfig, updateGroup } from './shared/group-config.service.ts';
import { basedataOverview } from './shared/overview.ts';
import { decideProposal, householdVisits, listProposals, recordVisit, visitCoverage } from './visits/visit.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const tags = ['basedata'];
const areaQuery = z.object({ areaId: idSchema }).strict();
const optionalAreaQuery = z.object({ areaId: idSchema.optional() }).strict();

export function registerBasedataRoutes(app: App): void {
  registerOrgComponentRoutes(app);
  registerClaimRoutes(app);
  app.get('/api/basedata/overview', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '基础数据概况（人口、户、房屋、出租屋）', querystring: areaQuery, response: { 200: basedataOverviewSchema, ...errors } },
  }, (req) => basedataOverview(ctxOf(req), req.query.areaId));

  // ---- persons ----
  app.get('/api/basedata/persons', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '查询实有人口（姓名、拼音、首字母、身份证号、手机号、地址；可按区域、人群、人口类型、人户状态筛选）', querystring: personSearchQuerySchema, response: { 200: personPageSchema, ...errors } },
  }, (req) => searchPersons(ctxOf(req), req.query));

  app.get('/api/basedata/persons/export', {
    config: { permission: 'basedata.export' },
    schema: {
      tags,
      summary: '导出实有人口（CSV/XLSX，带导出人水印，记入审计；默认脱敏）',
      querystring: personSearchQuerySchema
        .omit({ after: true, limit: true })
        .extend({ format: z.enum(['csv', 'xlsx']).default('xlsx'), unmaskReason: z.string().trim().min(4, '请写明不脱敏导出的原因（至少 4 个字）').max(200).optional() }),
      response: { 200: z.any(), ...errors },
    },
  }, async (req, reply) => {
    const { format, unmaskReason, ...query } = req.query;
    const file = await exportPersons(ctxOf(req), query, format, unmaskReason ? { reason: unmaskReason } : null);
    return sendFile(reply, file);
  });

  app.post('/api/basedata/persons', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '登记人员', body: createPersonSchema, response: { 201: personDetailSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createPerson(ctxOf(req), req.body)));

  app.post('/api/basedata/persons/merge', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '合并重复登记的人员（保留双方历史）', body: mergePersonsSchema, response: { 200: personDetailSchema, ...errors } },
  }, (req) => mergePersons(ctxOf(req), req.body.keepId, req.body.mergeId, req.body.note));

  app.get('/api/basedata/persons/:id', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '人员详情（证件号、电话脱敏）', params: idParamsSchema, response: { 200: personDetailSchema, ...errors } },
  }, (req) => getPerson(ctxOf(req), req.params.id));

  app.patch('/api/basedata/persons/:id', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '修改人员信息', params: idParamsSchema, body: updatePersonSchema, response: { 200: personDetailSchema, ...errors } },
  }, (req) => updatePerson(ctxOf(req), req.params.id, req.body));

  app.post('/api/basedata/persons/:id/reveal', {
    config: { permission: 'basedata.reveal' },
    schema: { tags, summary: '查看完整证件号或电话（须写明原因，记入审计）', params: idParamsSchema, body: revealRequestSchema, response: { 200: revealedValueSchema, ...errors } },
  }, (req) => revealPerson(ctxOf(req), req.params.id, req.body.field, req.body.reason));

  app.post('/api/basedata/persons/:id/verify', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '核实人员信息', params: idParamsSchema, response: { 200: personDetailSchema, ...errors } },
  }, (req) => verifyPerson(ctxOf(req), req.params.id));

  app.get('/api/basedata/persons/:id/history', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '人员变更记录', params: idParamsSchema, response: { 200: historySchema, ...errors } },
  }, (req) => personHistory(ctxOf(req), req.params.id));

  app.post('/api/basedata/persons/:id/tags', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '纳入关爱对象或重点人群', params: idParamsSchema, body: tagInputSchema, response: { 200: personDetailSchema, ...errors } },
  }, (req) => tagPerson(ctxOf(req), req.params.id, req.body));

  app.delete('/api/basedata/persons/:id/tags/:tagId', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '移出类别', params: z.object({ id: idSchema, tagId: idSchema }).strict(), response: { 200: personDetailSchema, ...errors } },
  }, (req) => untagPerson(ctxOf(req), req.params.id, req.params.tagId));

  app.get('/api/basedata/group-config', {
    config: { permission: 'basedata.configure' },
    schema: { tags, summary: '关爱对象与重点人群类别设置（系统管理员）', response: { 200: z.array(groupConfigSchema), ...errors } },
  }, (req) => listGroupConfig(ctxOf(req)));

  app.post('/api/basedata/group-config', {
    config: { permission: 'basedata.configure' },
    schema: { tags, summary: '新增类别', body: createGroupSchema, response: { 200: z.array(groupConfigSchema), ...errors } },
  }, (req) => createGroup(ctxOf(req), req.body));

  app.patch('/api/basedata/group-config/:code', {
    config: { permission: 'basedata.configure' },
    schema: { tags, summary: '修改类别（名称、可见角色、提醒天数、停用）', params: z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/) }).strict(), body: updateGroupSchema, response: { 200: z.array(groupConfigSchema), ...errors } },
  }, (req) => updateGroup(ctxOf(req), req.params.code, req.body));

  app.get('/api/basedata/groups', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '关爱对象与重点人群类别（仅本角色可见的）', querystring: optionalAreaQuery, response: { 200: z.array(personGroupSchema), ...errors } },
  }, (req) => listGroups(ctxOf(req), req.query.areaId));

  // ---- households ----
  app.get('/api/basedata/households', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '户列表（可筛未走访）', querystring: householdListQuerySchema, response: { 200: householdPageSchema, ...errors } },
  }, (req) => listHouseholds(ctxOf(req), req.query));

  app.post('/api/basedata/households', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '登记户', body: createHouseholdSchema, response: { 201: householdViewSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createHousehold(ctxOf(req), req.body)));

  app.get('/api/basedata/households/:id', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '户详情与成员', params: idParamsSchema, response: { 200: householdViewSchema, ...errors } },
  }, (req) => getHousehold(ctxOf(req), req.params.id));

  app.get('/api/basedata/households/:id/visits', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '该户的走访记录', params: idParamsSchema, response: { 200: z.array(visitViewSchema), ...errors } },
  }, (req) => householdVisits(ctxOf(req), req.params.id));

  // ---- visits ----
  app.post('/api/basedata/visits', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '登记走访（同一 clientKey 重复提交只记一次）', body: visitInputSchema, response: { 200: visitViewSchema, ...errors } },
  }, (req) => recordVisit(ctxOf(req), req.body));

  app.get('/api/basedata/visits/coverage', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '走访覆盖率（按网格）', querystring: visitCoverageQuerySchema, response: { 200: visitCoverageSchema, ...errors } },
  }, (req) => visitCoverage(ctxOf(req), req.query));

  app.get('/api/basedata/proposals', {
    config: { permission: 'basedata.read' },
    schema: {
      tags,
      summary: '走访发现的待确认变更',
      querystring: z.object({ areaId: idSchema.optional(), status: z.enum(['pending', 'confirmed', 'rejected']).default('pending') }).strict(),
      response: { 200: z.array(proposalViewSchema), ...errors },
    },
  }, (req) => listProposals(ctxOf(req), req.query));

  app.post('/api/basedata/proposals/:id/decision', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '确认或驳回变更提议', params: idParamsSchema, body: proposalDecisionSchema, response: { 200: z.object({ id: z.number().int(), status: z.string() }), ...errors } },
  }, (req) => decideProposal(ctxOf(req), req.params.id, req.body.decision, req.body.note ?? null));

  // ---- buildings, houses, rentals ----
  app.get('/api/basedata/buildings/:id/board', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '楼盘表（逐层房屋）', params: idParamsSchema, response: { 200: buildingBoardSchema, ...errors } },
  }, (req) => buildingBoard(ctxOf(req), req.params.id));

  app.put('/api/basedata/buildings/:id/profile', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '楼栋信息（用途、层数、物业、楼长、隐患）', params: idParamsSchema, body: buildingProfileSchema, response: { 200: buildingBoardSchema, ...errors } },
  }, (req) => saveBuildingProfile(ctxOf(req), req.params.id, req.body));

  app.post('/api/basedata/houses', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '登记房屋', body: createHouseSchema, response: { 201: houseViewSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createHouse(ctxOf(req), req.body)));

  app.get('/api/basedata/houses/:id', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '房屋详情（住户、出租信息）', params: idParamsSchema, response: { 200: houseViewSchema, ...errors } },
  }, (req) => getHouse(ctxOf(req), req.params.id));

  app.post('/api/basedata/houses/:id/reveal', {
    config: { permission: 'basedata.reveal' },
    schema: { tags, summary: '查看产权人或出租人的完整证件号、电话（须写明原因，记入审计）', params: idParamsSchema, body: houseRevealRequestSchema, response: { 200: houseRevealedValueSchema, ...errors } },
  }, (req) => revealHouse(ctxOf(req), req.params.id, req.body.field, req.body.reason));

  app.post('/api/basedata/houses/:id/verify', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '核实房屋信息', params: idParamsSchema, response: { 200: houseViewSchema, ...errors } },
  }, (req) => verifyHouse(ctxOf(req), req.params.id));

  app.post('/api/basedata/households/:id/verify', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '核实户信息', params: idParamsSchema, response: { 200: householdViewSchema, ...errors } },
  }, (req) => verifyHousehold(ctxOf(req), req.params.id));

  app.put('/api/basedata/houses/:id/rental', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '出租登记', params: idParamsSchema, body: rentalInputSchema, response: { 200: houseViewSchema, ...errors } },
  }, (req) => saveRental(ctxOf(req), req.params.id, req.body));

  app.post('/api/basedata/rentals/:id/verify', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '核实出租屋信息（返回所在房屋）', params: idParamsSchema, response: { 200: houseViewSchema, ...errors } },
  }, (req) => verifyRental(ctxOf(req), req.params.id));

  app.post('/api/basedata/rentals/:id/inspections', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '出租屋检查记录', params: idParamsSchema, body: inspectionInputSchema, response: { 200: houseViewSchema, ...errors } },
  }, (req) => addInspection(ctxOf(req), req.params.id, req.body));
}
