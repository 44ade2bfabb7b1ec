import {
  componentFeatureCollectionSchema,
  componentGeoJsonQuerySchema,
  componentListQuerySchema,
  componentPageSchema,
  componentViewSchema,
  createComponentSchema,
  createOrganisationSchema,
  errorBodySchema,
  historySchema,
  idParamsSchema,
  idSchema,
  organisationEmployeeInputSchema,
  organisationListQuerySchema,
  organisationPageSchema,
  organisationViewSchema,
  updateComponentSchema,
  updateOrganisationSchema,
} from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../platform/http.ts';
import { componentFeatures, componentHistory, createComponent, getComponent, listComponents, updateComponent, verifyComponent } from './components/component.service.ts';
import { addEmployee, createOrganisation, getOrganisation, listOrganisations, organisationHistory, removeEmployee, updateOrganisation, verifyOrganisation } from './organisations/organisation.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const tags = ['basedata'];

/** Organisations (实有单位) with their employees, and city components (城市部件). */
export function registerOrgComponentRoutes(app: App): void {
  // ---- organisations ----
  app.get('/api/basedata/organisations', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '实有单位列表（按区域、重点单位、名称或统一社会信用代码）', querystring: organisationListQuerySchema, response: { 200: organisationPageSchema, ...errors } },
  }, (req) => listOrganisations(ctxOf(req), req.query));

  app.post('/api/basedata/organisations', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '登记单位（统一社会信用代码含校验位检查，不可重复）', body: createOrganisationSchema, response: { 201: organisationViewSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createOrganisation(ctxOf(req), req.body)));

  app.get('/api/basedata/organisations/:id', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '单位详情与从业人员（电话脱敏）', params: idParamsSchema, response: { 200: organisationViewSchema, ...errors } },
  }, (req) => getOrganisation(ctxOf(req), req.params.id));

  app.patch('/api/basedata/organisations/:id', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '修改单位信息', params: idParamsSchema, body: updateOrganisationSchema, response: { 200: organisationViewSchema, ...errors } },
  }, (req) => updateOrganisation(ctxOf(req), req.params.id, req.body));

  app.post('/api/basedata/organisations/:id/verify', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '核实单位信息', params: idParamsSchema, response: { 200: organisationViewSchema, ...errors } },
  }, (req) => verifyOrganisation(ctxOf(req), req.params.id));

  app.get('/api/basedata/organisations/:id/history', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '单位变更记录', params: idParamsSchema, response: { 200: historySchema, ...errors } },
  }, (req) => organisationHistory(ctxOf(req), req.params.id));

  app.post('/api/basedata/organisations/:id/employees', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '登记从业人员（辖区内的人员）', params: idParamsSchema, body: organisationEmployeeInputSchema, response: { 200: organisationViewSchema, ...errors } },
  }, (req) => addEmployee(ctxOf(req), req.params.id, req.body));

  app.delete('/api/basedata/organisations/:id/employees/:personId', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '移除从业人员', params: z.object({ id: idSchema, personId: idSchema }).strict(), response: { 200: organisationViewSchema, ...errors } },
  }, (req) => removeEmployee(ctxOf(req), req.params.id, req.params.personId));

  // ---- city components ----
  app.get('/api/basedata/components', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '城市部件列表（按区域、大类小类、状态）', querystring: componentListQuerySchema, response: { 200: componentPageSchema, ...errors } },
  }, (req) => listComponents(ctxOf(req), req.query));

  app.get('/api/basedata/components/geojson', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '城市部件点位（GeoJSON，供地图）', querystring: componentGeoJsonQuerySchema, response: { 200: componentFeatureCollectionSchema, ...errors } },
  }, (req) => componentFeatures(ctxOf(req), req.query));

  app.post('/api/basedata/components', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '登记部件（由服务器编制 16 位标识码）', body: createComponentSchema, response: { 201: componentViewSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createComponent(ctxOf(req), req.body)));

  app.get('/api/basedata/components/:id', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '部件详情', params: idParamsSchema, response: { 200: componentViewSchema, ...errors } },
  }, (req) => getComponent(ctxOf(req), req.params.id));

  app.patch('/api/basedata/components/:id', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '修改部件（状态、权属与养护单位、位置）', params: idParamsSchema, body: updateComponentSchema, response: { 200: componentViewSchema, ...errors } },
  }, (req) => updateComponent(ctxOf(req), req.params.id, req.body));

  app.post('/api/basedata/components/:id/verify', {
    config: { permission: 'basedata.verify' },
    schema: { tags, summary: '核实部件信息', params: idParamsSchema, response: { 200: componentViewSchema, ...errors } },
  }, (req) => verifyComponent(ctxOf(req), req.params.id));

  app.get('/api/basedata/components/:id/history', {
    config: { permission: 'basedata.read' },
    schema: { tags, summary: '部件变更记录', params: idParamsSchema, response: { 200: historySchema, ...errors } },
  }, (req) => componentHistory(ctxOf(req), req.params.id));
}
